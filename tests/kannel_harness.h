// A real Kannel for the tests: bearerbox, smsbox and Kannel's fakesmsc, all
// on 127.0.0.1, configured and started in a directory of the test's, so a
// test can send through Kannel's cgi-bin/sendsms and read back what reached
// the (fake) SMS centre.
//
//   test ──HTTP sendsms──▶ smsbox ──▶ bearerbox ──"smsc = fake"──▶ fakesmsc
//
// Needs the Debian 12 packages kannel (/usr/sbin/bearerbox, /usr/sbin/smsbox)
// and kannel-extras (/usr/lib/kannel/test/fakesmsc); KannelInstalled() says
// whether they are there.
#ifndef HERALD_TESTS_KANNEL_HARNESS_H_
#define HERALD_TESTS_KANNEL_HARNESS_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace herald {

// Where the Debian packages put the programs.
inline constexpr char kBearerboxPath[] = "/usr/sbin/bearerbox";
inline constexpr char kSmsboxPath[] = "/usr/sbin/smsbox";
inline constexpr char kFakesmscPath[] = "/usr/lib/kannel/test/fakesmsc";

// True when all three programs above can be executed.
bool KannelInstalled();

// One message as fakesmsc printed it (one line per message it received from
// bearerbox: "SENDER RECEIVER text TEXT", "... data URLENCODED",
// "... ucs-2 URLENCODED" or "... udh URLENCODED data URLENCODED").
struct FakeSmscMessage {
  enum class Kind {
    kText,      // 7-bit (GSM) message; Kannel hands it over as UTF-8
    kData,      // 8-bit binary message
    kUcs2,      // UCS-2 message
    kUdh,       // message with a user data header: one part of a
                // concatenated message, or what Reassemble() made of them.
                // The line does not say the coding: data is UTF-8 for a
                // 7-bit text, UTF-16BE for a UCS-2 one (Utf16BeToUtf8()).
    kUnparsed,  // a line that is none of the above (a text holding a line
                // break arrives as two lines); only `raw` is set
  };

  Kind kind = Kind::kUnparsed;
  std::string raw;   // the line between fakesmsc's <...>
  std::string from;  // sender as Kannel sent it
  std::string to;    // receiver as Kannel sent it
  std::string udh;   // kUdh: the header's bytes, URL-decoded
  std::string data;  // the message's bytes, URL-decoded where they were
                     // encoded (for kText, the text itself)
  std::string text;  // UTF-8: data, except kUcs2, where data converted
  int parts = 1;     // kUdh from Reassemble(): how many parts were joined
};

// Parses fakesmsc's output (its log lines on stderr, "... DEBUG: Got message
// N: <LINE>"); other lines are skipped. Never fails: lines it does not
// understand come back as kUnparsed.
std::vector<FakeSmscMessage> ParseFakeSmscOutput(absl::string_view output);

// Joins the parts of concatenated messages (kUdh with a concatenation
// element, IEI 0x00 or 0x08) into one kUdh message each, in part order, with
// udh set to the first part's header and `parts` to the count; a set with a
// part missing stays as its separate parts. Every other message is passed
// through. Order: by each message's (first part's) arrival.
std::vector<FakeSmscMessage> Reassemble(
    const std::vector<FakeSmscMessage>& messages);

// Finds `count` distinct free TCP ports on 127.0.0.1 (binding port 0 with
// all sockets open at once) and appends them to `*ports`: for a server whose
// address must be known before it starts (one Kannel calls back).
absl::Status PickPorts(size_t count, std::vector<uint16_t>* ports);

// Converts UTF-16BE bytes to UTF-8; an odd last byte or an unpaired
// surrogate becomes U+FFFD.
std::string Utf16BeToUtf8(absl::string_view utf16be);

// A running Kannel. Not thread-safe except where noted.
class KannelHarness {
 public:
  // Picks four free TCP ports on 127.0.0.1 (bearerbox admin, smsbox
  // connection, fake SMSC, smsbox sendsms), writes work_dir/kannel.conf
  // (mode 0600: it holds the generated passwords) and starts bearerbox,
  // fakesmsc and smsbox, each with stdout and stderr into work_dir
  // (bearerbox.log, fakesmsc.log, smsbox.log; bearerbox-access.log and
  // smsbox-access.log are Kannel's access logs). Returns once bearerbox has
  // logged "MAIN: Start-up done", its status page shows the smsbox and the
  // fake SMSC connected ("online") and the sendsms port answers HTTP, so a
  // message sent then is delivered at once (typically 0.1-0.5 s).
  //
  // `work_dir` must exist, be writable and outlive the harness. If a program
  // exits during start-up (a port taken between picking and binding), starts
  // again on new ports, three times at most.
  //
  // Errors: FailedPrecondition when Kannel is not installed,
  // InvalidArgument for a work_dir Kannel's config cannot name (a '"' or a
  // line break), Internal when a file or process cannot be made (a
  // work_dir that does not exist),
  // DeadlineExceeded when it is not ready within 20 s, Unavailable when the
  // programs keep exiting; messages name the log to read.
  //
  // The children get SIGKILL if the thread that called Start() exits
  // (PR_SET_PDEATHSIG), so a test killed by a timeout leaves no Kannel
  // behind; call Start() from a thread that outlives the harness.
  //
  // `extra_conf` is appended to kannel.conf (an sms-service group).
  static absl::StatusOr<std::unique_ptr<KannelHarness>> Start(
      const std::string& work_dir, std::string extra_conf = "");

  ~KannelHarness();  // Stop()
  KannelHarness(const KannelHarness&) = delete;
  KannelHarness& operator=(const KannelHarness&) = delete;

  // http://127.0.0.1:PORT/cgi-bin/sendsms
  const std::string& sendsms_url() const { return sendsms_url_; }
  // The sendsms-user's credentials (random per harness; Kannel takes them as
  // the username and password query parameters).
  const std::string& username() const { return username_; }
  const std::string& password() const { return password_; }
  // bearerbox's status page as text, admin password included:
  // http://127.0.0.1:PORT/status.txt?password=...
  const std::string& status_url() const { return status_url_; }
  uint16_t sendsms_port() const { return sendsms_port_; }
  uint16_t admin_port() const { return admin_port_; }
  uint16_t smsbox_port() const { return smsbox_port_; }
  uint16_t fake_smsc_port() const { return fake_smsc_port_; }
  const std::string& work_dir() const { return work_dir_; }

  // The children's pids, bearerbox, smsbox, fakesmsc (for checks on /proc);
  // a stopped child's pid is 0.
  std::vector<pid_t> pids() const;

  // Everything fakesmsc has printed so far, parsed (ParseFakeSmscOutput()).
  // Also works after Stop(). Safe to call from any thread.
  std::vector<FakeSmscMessage> ReceivedMessages() const;

  // Has fakesmsc send bearerbox a text from the phone `from` to `to`, as a
  // person replying would (mobile originated): smsbox then calls the
  // sms-service of extra_conf. `text` is one line of GSM-7 characters.
  absl::Status SendFromPhone(absl::string_view from, absl::string_view to,
                             absl::string_view text);

  // Waits until ReceivedMessages() holds at least `count` messages or
  // `timeout` passes, and returns them either way.
  std::vector<FakeSmscMessage> WaitForMessages(size_t count,
                                               absl::Duration timeout) const;

  // Stops smsbox and bearerbox with SIGTERM, then fakesmsc; any still
  // running after 5 s gets SIGKILL. Reaps them all. Idempotent. Returns OK
  // when every child exited on SIGTERM, else Internal naming the ones that
  // had to be killed or had died before.
  absl::Status Stop();

 private:
  KannelHarness() = default;

  // One attempt at Start(): `retry` is set when a child exited early.
  absl::Status Launch(bool* retry);

  std::string work_dir_;
  std::string username_;
  std::string password_;
  std::string admin_password_;
  uint16_t admin_port_ = 0;
  uint16_t smsbox_port_ = 0;
  uint16_t fake_smsc_port_ = 0;
  uint16_t sendsms_port_ = 0;
  std::string sendsms_url_;
  std::string status_url_;
  pid_t bearerbox_ = 0;
  pid_t smsbox_ = 0;
  pid_t fakesmsc_ = 0;
  int fakesmsc_input_ = -1;  // the write end of fakesmsc's standard input
  std::string extra_conf_;
};

}  // namespace herald

#endif  // HERALD_TESTS_KANNEL_HARNESS_H_
