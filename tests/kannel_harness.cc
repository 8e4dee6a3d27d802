#include "tests/kannel_harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/substitute.h"

namespace herald {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(20);
constexpr absl::Duration kStopTimeout = absl::Seconds(5);
constexpr int kStartAttempts = 3;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// The last `lines` lines of the file at `path`, for error messages.
std::string Tail(const std::string& path, size_t lines = 5) {
  std::vector<std::string> all =
      absl::StrSplit(ReadFile(path), '\n', absl::SkipEmpty());
  if (all.size() > lines) all.erase(all.begin(), all.end() - lines);
  return absl::StrJoin(all, "\n");
}

std::string RandomToken(size_t length) {
  static constexpr char kChars[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::random_device device;
  std::uniform_int_distribution<size_t> pick(0, sizeof(kChars) - 2);
  std::string token;
  for (size_t i = 0; i < length; ++i) token += kChars[pick(device)];
  return token;
}

size_t CollectBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// GETs `url`; true when an HTTP answer came (its body in *body).
bool HttpGet(const std::string& url, std::string* body) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return false;
  body->clear();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 2000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  return code == CURLE_OK;
}

// Starts `argv` with stdin from /dev/null and stdout and stderr appended to
// `log_path`, in `dir`. The child gets SIGKILL when the calling thread ends.
// `stdin_fd`: the child's standard input; -1: /dev/null.
absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& argv,
                            const std::string& log_path, const std::string& dir,
                            int stdin_fd = -1) {
  // Everything the child needs is made before fork(): between fork() and
  // exec only async-signal-safe calls are allowed.
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const int log_fd =
      open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot open ", log_path, ": ", strerror(errno)));
  }
  const int null_fd =
      stdin_fd >= 0 ? dup(stdin_fd) : open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) {
    close(log_fd);
    return absl::InternalError(
        absl::StrCat("cannot open /dev/null: ", strerror(errno)));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
      _exit(126);
    if (dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0) {
      _exit(126);
    }
    close_range(3, ~0U, 0);
    if (chdir(dir.c_str()) != 0) _exit(126);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  const int fork_errno = errno;
  close(log_fd);
  close(null_fd);
  if (pid < 0) {
    return absl::InternalError(
        absl::StrCat("fork for ", argv[0], ": ", strerror(fork_errno)));
  }
  return pid;
}

// True when `pid` has exited (and is reaped); *how describes the exit.
bool Exited(pid_t pid, std::string* how) {
  int status = 0;
  const pid_t r = waitpid(pid, &status, WNOHANG);
  if (r == 0) return false;
  if (r < 0) {
    *how = absl::StrCat("cannot be waited for: ", strerror(errno));
  } else if (WIFEXITED(status)) {
    *how = absl::StrCat("exited with status ", WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    *how = absl::StrCat("was killed by signal ", WTERMSIG(status));
  } else {
    return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Kannel's octstr_url_decode: '+' is a space, %XX a byte.
std::string UrlDecode(absl::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 &&
               HexValue(in[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    *out += static_cast<char>(c);
  } else if (c < 0x800) {
    *out += static_cast<char>(0xC0 | (c >> 6));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    *out += static_cast<char>(0xE0 | (c >> 12));
    *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (c >> 18));
    *out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Parses one line as sms_to_client() in Kannel's gw/smsc/smsc_fake.c
// writes it.
FakeSmscMessage ParseLine(absl::string_view line) {
  FakeSmscMessage m;
  m.raw = std::string(line);
  const std::vector<absl::string_view> f =
      absl::StrSplit(line, absl::MaxSplits(' ', 3));
  if (f.size() < 3) return m;
  const absl::string_view type = f[2];
  const absl::string_view rest = f.size() > 3 ? f[3] : "";
  if (type == "text") {
    m.kind = FakeSmscMessage::Kind::kText;
    m.data = std::string(rest);
    m.text = m.data;
  } else if (type == "data") {
    m.kind = FakeSmscMessage::Kind::kData;
    m.data = UrlDecode(rest);
    m.text = m.data;
  } else if (type == "ucs-2") {
    m.kind = FakeSmscMessage::Kind::kUcs2;
    m.data = UrlDecode(rest);
    m.text = Utf16BeToUtf8(m.data);
  } else if (type == "udh") {
    const std::vector<absl::string_view> u =
        absl::StrSplit(rest, absl::MaxSplits(' ', 2));
    if (u.size() < 2 || u[1] != "data") return m;
    m.kind = FakeSmscMessage::Kind::kUdh;
    m.udh = UrlDecode(u[0]);
    m.data = UrlDecode(u.size() > 2 ? u[2] : "");
    m.text = m.data;
  } else {
    return m;
  }
  m.from = std::string(f[0]);
  m.to = std::string(f[1]);
  return m;
}

// Finds the concatenation element of `udh`; false when there is none.
bool ConcatInfo(const std::string& udh, int* ref, int* total, int* seq) {
  if (udh.empty()) return false;
  const size_t end = std::min(
      udh.size(), 1 + static_cast<size_t>(static_cast<uint8_t>(udh[0])));
  size_t i = 1;
  while (i + 2 <= end) {
    const uint8_t iei = static_cast<uint8_t>(udh[i]);
    const size_t len = static_cast<uint8_t>(udh[i + 1]);
    const size_t at = i + 2;
    if (at + len > end) return false;
    auto byte = [&](size_t k) { return static_cast<uint8_t>(udh[at + k]); };
    if (iei == 0x00 && len == 3) {
      *ref = byte(0);
      *total = byte(1);
      *seq = byte(2);
      return *seq >= 1 && *seq <= *total;
    }
    if (iei == 0x08 && len == 4) {
      *ref = 0x10000 | (byte(0) << 8) | byte(1);  // apart from 8-bit refs
      *total = byte(2);
      *seq = byte(3);
      return *seq >= 1 && *seq <= *total;
    }
    i = at + len;
  }
  return false;
}

}  // namespace

absl::Status PickPorts(size_t count, std::vector<uint16_t>* ports) {
  std::vector<int> fds;
  absl::Status status;
  for (size_t i = 0; i < count && status.ok(); ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      status = absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
      break;
    }
    fds.push_back(fd);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      status = absl::InternalError(
          absl::StrCat("bind 127.0.0.1:0: ", strerror(errno)));
      break;
    }
    ports->push_back(ntohs(addr.sin_port));
  }
  for (int fd : fds) close(fd);
  return status;
}

bool KannelInstalled() {
  return access(kBearerboxPath, X_OK) == 0 && access(kSmsboxPath, X_OK) == 0 &&
         access(kFakesmscPath, X_OK) == 0;
}

std::string Utf16BeToUtf8(absl::string_view in) {
  std::string out;
  size_t i = 0;
  while (i + 1 < in.size()) {
    char32_t unit =
        (static_cast<uint8_t>(in[i]) << 8) | static_cast<uint8_t>(in[i + 1]);
    i += 2;
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (i + 1 < in.size()) {
        const char32_t low = (static_cast<uint8_t>(in[i]) << 8) |
                             static_cast<uint8_t>(in[i + 1]);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          i += 2;
          AppendUtf8(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), &out);
          continue;
        }
      }
      unit = 0xFFFD;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      unit = 0xFFFD;
    }
    AppendUtf8(unit, &out);
  }
  if (i < in.size()) AppendUtf8(0xFFFD, &out);
  return out;
}

std::vector<FakeSmscMessage> ParseFakeSmscOutput(absl::string_view output) {
  std::vector<FakeSmscMessage> messages;
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    // "2026-11-22 16:16:36 [22781] [0] DEBUG: Got message 1: <LINE>"; the
    // message numbered like -m's limit is logged as INFO instead.
    size_t at = line.find("] DEBUG: Got message ");
    if (at == absl::string_view::npos) {
      at = line.find("] INFO: Got message ");
    }
    if (at == absl::string_view::npos) continue;
    const size_t open = line.find(": <", line.find("Got message ", at));
    if (open == absl::string_view::npos) continue;
    absl::string_view body = line.substr(open + 3);
    if (absl::EndsWith(body, ">")) body.remove_suffix(1);
    messages.push_back(ParseLine(body));
  }
  return messages;
}

std::vector<FakeSmscMessage> Reassemble(
    const std::vector<FakeSmscMessage>& messages) {
  struct Group {
    std::map<int, const FakeSmscMessage*> parts;  // by sequence number
    int total = 0;
  };
  // Each slot is a message passed through (group < 0) or a group.
  std::vector<std::pair<const FakeSmscMessage*, int>> slots;
  std::vector<Group> groups;
  std::map<std::tuple<std::string, std::string, int, int>, int> open;
  for (const FakeSmscMessage& m : messages) {
    int ref = 0, total = 0, seq = 0;
    if (m.kind != FakeSmscMessage::Kind::kUdh ||
        !ConcatInfo(m.udh, &ref, &total, &seq)) {
      slots.emplace_back(&m, -1);
      continue;
    }
    const auto key = std::make_tuple(m.from, m.to, ref, total);
    auto it = open.find(key);
    if (it == open.end() || groups[it->second].parts.count(seq) > 0) {
      groups.push_back(Group{{}, total});
      slots.emplace_back(nullptr, static_cast<int>(groups.size()) - 1);
      it =
          open.insert_or_assign(key, static_cast<int>(groups.size()) - 1).first;
    }
    groups[it->second].parts[seq] = &m;
  }
  std::vector<FakeSmscMessage> out;
  for (const auto& [message, index] : slots) {
    if (index < 0) {
      out.push_back(*message);
      continue;
    }
    const Group& g = groups[index];
    if (static_cast<int>(g.parts.size()) != g.total) {
      for (const auto& [seq, part] : g.parts) out.push_back(*part);
      continue;
    }
    FakeSmscMessage joined = *g.parts.begin()->second;
    joined.raw.clear();
    joined.data.clear();
    for (const auto& [seq, part] : g.parts) {
      absl::StrAppend(&joined.raw, joined.raw.empty() ? "" : "\n", part->raw);
      joined.data += part->data;
    }
    joined.text = joined.data;
    joined.parts = g.total;
    out.push_back(std::move(joined));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<KannelHarness>> KannelHarness::Start(
    const std::string& work_dir, std::string extra_conf) {
  if (!KannelInstalled()) {
    return absl::FailedPreconditionError(
        absl::StrCat("Kannel is not installed (", kBearerboxPath, ", ",
                     kSmsboxPath, ", ", kFakesmscPath,
                     "): install the Debian packages kannel and "
                     "kannel-extras (tools/install-deps.sh)"));
  }
  if (work_dir.empty() ||
      work_dir.find_first_of("\"\r\n") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("work_dir cannot be named in kannel.conf: ", work_dir));
  }
  std::unique_ptr<KannelHarness> h(new KannelHarness());
  h->work_dir_ = work_dir;
  h->extra_conf_ = std::move(extra_conf);
  absl::Status last;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    bool retry = false;
    last = h->Launch(&retry);
    if (last.ok()) return h;
    h->Stop().IgnoreError();
    if (!retry) return last;
  }
  return absl::UnavailableError(absl::StrCat("Kannel did not start in ",
                                             kStartAttempts,
                                             " attempts: ", last.message()));
}

absl::Status KannelHarness::Launch(bool* retry) {
  *retry = false;
  std::vector<uint16_t> ports;
  if (absl::Status s = PickPorts(4, &ports); !s.ok()) return s;
  admin_port_ = ports[0];
  smsbox_port_ = ports[1];
  fake_smsc_port_ = ports[2];
  sendsms_port_ = ports[3];
  username_ = absl::StrCat("herald", RandomToken(6));
  password_ = RandomToken(20);
  admin_password_ = RandomToken(20);
  sendsms_url_ =
      absl::StrCat("http://127.0.0.1:", sendsms_port_, "/cgi-bin/sendsms");
  status_url_ = absl::StrCat("http://127.0.0.1:", admin_port_,
                             "/status.txt?password=", admin_password_);

  // $0 admin port, $1 admin password, $2 smsbox port, $3 work_dir, $4 fake
  // SMSC port, $5 sendsms port, $6 username, $7 password.
  const std::string conf = absl::Substitute(
      R"(# Written by herald's tests/kannel_harness.cc: every port on 127.0.0.1.
group = core
admin-port = $0
admin-interface = 127.0.0.1
admin-password = $1
status-password = $1
admin-deny-ip = "*.*.*.*"
admin-allow-ip = 127.0.0.1
smsbox-port = $2
smsbox-interface = 127.0.0.1
box-deny-ip = "*.*.*.*"
box-allow-ip = 127.0.0.1
access-log = "$3/bearerbox-access.log"
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = $4
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = $2
sendsms-port = $5
sendsms-interface = 127.0.0.1
access-log = "$3/smsbox-access.log"

group = sendsms-user
username = $6
password = $7
max-messages = 10
concatenation = true
$8)",
      admin_port_, admin_password_, smsbox_port_, work_dir_, fake_smsc_port_,
      sendsms_port_, username_, password_, extra_conf_);
  const std::string& d = work_dir_;
  const std::string conf_path = absl::StrCat(d, "/kannel.conf");
  {
    const int fd =
        open(conf_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
      return absl::InternalError(
          absl::StrCat("cannot write ", conf_path, ": ", strerror(errno)));
    }
    fchmod(fd, 0600);
    const bool written = write(fd, conf.data(), conf.size()) ==
                         static_cast<ssize_t>(conf.size());
    close(fd);
    if (!written) {
      return absl::InternalError(absl::StrCat("cannot write ", conf_path));
    }
  }

  const std::string bb_log = absl::StrCat(d, "/bearerbox.log");
  const std::string sb_log = absl::StrCat(d, "/smsbox.log");
  const std::string fs_log = absl::StrCat(d, "/fakesmsc.log");
  // Fresh logs per attempt: readiness and ReceivedMessages() read them.
  for (const std::string& log : {bb_log, sb_log, fs_log}) {
    unlink(log.c_str());
  }

  absl::StatusOr<pid_t> pid =
      Spawn({kBearerboxPath, "-v", "1", conf_path}, bb_log, d);
  if (!pid.ok()) return pid.status();
  bearerbox_ = *pid;

  const absl::Time deadline = absl::Now() + kStartTimeout;
  std::string status;
  bool admin_answered = false;
  while (true) {
    struct Child {
      pid_t* pid;
      const char* name;
      const std::string* log;
    };
    for (const Child& c : {Child{&bearerbox_, "bearerbox", &bb_log},
                           Child{&smsbox_, "smsbox", &sb_log},
                           Child{&fakesmsc_, "fakesmsc", &fs_log}}) {
      std::string how;
      if (*c.pid != 0 && Exited(*c.pid, &how)) {
        *c.pid = 0;
        *retry = true;
        return absl::UnavailableError(
            absl::StrCat(c.name, " ", how, " during start-up; see ", *c.log,
                         ":\n", Tail(*c.log)));
      }
    }
    const bool answered = HttpGet(status_url_, &status);
    admin_answered = admin_answered || answered;
    // The fake SMSC listens once the status page lists it (bearerbox exits
    // when it cannot bind a port); smsbox's port is open before that.
    if (fakesmsc_ == 0 && answered && absl::StrContains(status, "fake[fake]")) {
      // Given no message to send, fakesmsc sends what it reads on its
      // standard input, one "FROM TO text TEXT" line a message
      // (SendFromPhone), as many as come (-m -1). It then reads what
      // bearerbox sends it once a second, between looks at its input.
      int pipe_fds[2];
      if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        return absl::InternalError(absl::StrCat("pipe: ", strerror(errno)));
      }
      pid = Spawn({kFakesmscPath, "-H", "127.0.0.1", "-r",
                   absl::StrCat(fake_smsc_port_), "-m", "-1", "-v", "0"},
                  fs_log, d, pipe_fds[0]);
      close(pipe_fds[0]);
      if (!pid.ok()) {
        close(pipe_fds[1]);
        return pid.status();
      }
      fakesmsc_ = *pid;
      fakesmsc_input_ = pipe_fds[1];
      pid = Spawn({kSmsboxPath, "-v", "1", conf_path}, sb_log, d);
      if (!pid.ok()) return pid.status();
      smsbox_ = *pid;
    }
    std::string ignored;
    if (smsbox_ != 0 && answered && absl::StrContains(status, "    smsbox:") &&
        absl::StrContains(status, "(online") &&
        absl::StrContains(ReadFile(bb_log), "MAIN: Start-up done") &&
        HttpGet(sendsms_url_, &ignored)) {
      return absl::OkStatus();
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "Kannel not ready in ", absl::FormatDuration(kStartTimeout),
          admin_answered ? "" : " (bearerbox's admin port never answered)",
          "; see the logs in ", d, "; bearerbox.log ends:\n", Tail(bb_log)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

KannelHarness::~KannelHarness() { Stop().IgnoreError(); }

std::vector<pid_t> KannelHarness::pids() const {
  return {bearerbox_, smsbox_, fakesmsc_};
}

std::vector<FakeSmscMessage> KannelHarness::ReceivedMessages() const {
  return ParseFakeSmscOutput(
      ReadFile(absl::StrCat(work_dir_, "/fakesmsc.log")));
}

absl::Status KannelHarness::SendFromPhone(absl::string_view from,
                                          absl::string_view to,
                                          absl::string_view text) {
  if (fakesmsc_input_ < 0) {
    return absl::FailedPreconditionError("fakesmsc is not running");
  }
  if (absl::StrContains(text, '\n') || absl::StrContains(from, ' ') ||
      absl::StrContains(to, ' ')) {
    return absl::InvalidArgumentError("one line, and numbers without spaces");
  }
  // A fakesmsc that died must fail the write, not kill the test.
  signal(SIGPIPE, SIG_IGN);
  const std::string line = absl::StrCat(from, " ", to, " text ", text, "\n");
  if (write(fakesmsc_input_, line.data(), line.size()) !=
      static_cast<ssize_t>(line.size())) {
    return absl::InternalError(
        absl::StrCat("writing to fakesmsc: ", strerror(errno)));
  }
  return absl::OkStatus();
}

std::vector<FakeSmscMessage> KannelHarness::WaitForMessages(
    size_t count, absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    std::vector<FakeSmscMessage> messages = ReceivedMessages();
    if (messages.size() >= count || absl::Now() > deadline) return messages;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

absl::Status KannelHarness::Stop() {
  struct Child {
    pid_t* pid;
    const char* name;
  };
  std::vector<std::string> problems;
  // Waits until the children in `group` have exited or `deadline` passes.
  auto reap = [&](std::vector<Child> group, absl::Time deadline) {
    while (true) {
      bool running = false;
      for (const Child& c : group) {
        std::string how;
        if (*c.pid == 0) continue;
        if (Exited(*c.pid, &how)) {
          *c.pid = 0;
        } else {
          running = true;
        }
      }
      if (!running || absl::Now() > deadline) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  // Children that died on their own before now.
  for (const Child& c :
       {Child{&bearerbox_, "bearerbox"}, Child{&smsbox_, "smsbox"},
        Child{&fakesmsc_, "fakesmsc"}}) {
    std::string how;
    if (*c.pid != 0 && Exited(*c.pid, &how)) {
      *c.pid = 0;
      problems.push_back(absl::StrCat(c.name, " ", how, " before Stop()"));
    }
  }
  if (fakesmsc_input_ >= 0) {
    close(fakesmsc_input_);
    fakesmsc_input_ = -1;
  }
  const absl::Time deadline = absl::Now() + kStopTimeout;
  if (smsbox_ != 0) kill(smsbox_, SIGTERM);
  if (bearerbox_ != 0) kill(bearerbox_, SIGTERM);
  reap({{&smsbox_, "smsbox"}, {&bearerbox_, "bearerbox"}}, deadline);
  // fakesmsc ends by itself when bearerbox closes the connection.
  if (fakesmsc_ != 0) kill(fakesmsc_, SIGTERM);
  reap({{&fakesmsc_, "fakesmsc"}}, deadline + absl::Seconds(1));
  for (const Child& c :
       {Child{&bearerbox_, "bearerbox"}, Child{&smsbox_, "smsbox"},
        Child{&fakesmsc_, "fakesmsc"}}) {
    if (*c.pid == 0) continue;
    kill(*c.pid, SIGKILL);
    waitpid(*c.pid, nullptr, 0);
    *c.pid = 0;
    problems.push_back(absl::StrCat(c.name, " needed SIGKILL"));
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::InternalError(absl::StrJoin(problems, "; "));
}

}  // namespace herald
