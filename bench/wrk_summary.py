"""One line of a wrk run's figures, for the benchmark scripts:
requests/s, p50 and p99 latency, the server's CPU per request (from its
/proc/PID/stat user+sys clock ticks before and after), the requests, and the
non-2xx answers when there were any.

    wrk_summary.py NAME WRK_OUTPUT TICKS_BEFORE TICKS_AFTER CLK_TCK

Also writes WRK_OUTPUT.total, the requests wrk counted.
"""
import re
import sys

name, path, before, after, tck = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:])
text = open(path).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))


def pct(p):
    m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", text)
    v, unit = float(m.group(1)), m.group(2)
    return v * {"us": 0.001, "ms": 1, "s": 1000}[unit]


errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
total = int(re.search(r"(\d+) requests in", text).group(1))
cpu = (after - before) / tck
print(f"{name:10s} {rps:10.0f} req/s   p50 {pct(50):7.3f} ms   p99 {pct(99):7.3f} ms   "
      f"server CPU {cpu*1e6/total:6.1f} us/request   {total} requests"
      + (f"   non-2xx {errors.group(1)}" if errors else ""))
open(path + ".total", "w").write(str(total))
