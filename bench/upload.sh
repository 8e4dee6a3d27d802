#!/usr/bin/env bash
# A contact-list upload to `herald serve` (POST /v2/contacts/lists/upload,
# multipart, streamed to disk) beside the same `curl -F` upload to Debian's
# nginx, which spools the body to a file (client_body_in_file_only), in the
# same run: MB/s of each, and herald's peak memory (VmHWM) before and after,
# which must not grow with the file.
#
#   bench/upload.sh [ROWS...]      default: 2000000 10000000
#
# The contacts are bench/e2e.sh's (cached in bench/out/). herald's time
# includes reading the file once more to count its rows before it answers.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
((${#sizes[@]})) || sizes=(2000000 10000000)

command -v curl >/dev/null || { echo "upload.sh: needs curl" >&2; exit 2; }
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $nginx ]] || { echo "upload.sh: needs nginx (apt-get install nginx)" >&2; exit 2; }
cmake --preset release >/dev/null
cmake --build --preset release --target herald herald-gen >/dev/null

out=$(pwd)/bench/out
mkdir -p "$out"
printf 'bench:bench\n' > "$out/upload-users" && chmod 600 "$out/upload-users"

# nginx: one worker; the upload location reads the whole body into a file
# (as a proxy must before it forwards) and answers from a second server.
ngx=$out/upload-nginx
rm -rf "$ngx" && mkdir -p "$ngx/body"
nginx_port=$((20000 + RANDOM % 20000))
cat > "$ngx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $ngx/nginx.pid;
error_log $ngx/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $ngx/body;
  proxy_temp_path $ngx/body;
  server {
    listen 127.0.0.1:$nginx_port;
    client_max_body_size 0;
    client_body_in_file_only clean;
    location /v2/contacts/lists/upload {
      proxy_pass http://127.0.0.1:$((nginx_port + 1))/;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
    }
  }
  server {
    listen 127.0.0.1:$((nginx_port + 1));
    location / { return 200 '{"id":1}'; }
  }
}
CONF
"$nginx" -c "$ngx/nginx.conf" -p "$ngx" &
nginx_pid=$!
serve=
trap 'kill $nginx_pid 2>/dev/null; [[ -n $serve ]] && kill $serve 2>/dev/null; true' EXIT
sleep 0.5

hwm() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }  # KiB

# Seconds one `curl -F` upload of FILE to URL takes; fails on a non-200.
upload() {  # FILE URL
  local code
  code=$(curl -sS -u bench:bench -o "$out/upload-answer.json" \
    -w '%{http_code} %{time_total}' -F "name=bench" -F "file=@$1" "$2")
  [[ ${code%% *} == 200 ]] || { echo "upload.sh: $2 answered $code: $(cat "$out/upload-answer.json")" >&2; exit 1; }
  echo "${code#* }"
}

for rows in "${sizes[@]}"; do
  contacts=$out/contacts-$rows.csv
  if [[ ! -f $contacts ]]; then
    build/release/tools/herald-gen --rows "$rows" --seed 42 --dup-rate 0.05 \
      --invalid-rate 0.02 --out "$contacts" >/dev/null
  fi
  bytes=$(stat -c %s "$contacts")
  state=$out/upload-state
  rm -rf "$state"
  log=$out/upload-serve.log
  build/release/tools/herald serve --state "$state" --listen 127.0.0.1:0 \
    --credentials "$out/upload-users" 2>"$log" &
  serve=$!
  for _ in $(seq 500); do grep -q 'http://' "$log" && break; sleep 0.02; done
  port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
  idle_kib=$(hwm "$serve")
  herald_s=$(upload "$contacts" "http://127.0.0.1:$port/v2/contacts/lists/upload")
  peak_kib=$(hwm "$serve")
  size=$(curl -sS -u bench:bench "http://127.0.0.1:$port/v2/contacts/lists/1?fields=size")
  kill "$serve"; wait "$serve" 2>/dev/null || true; serve=
  nginx_s=$(upload "$contacts" "http://127.0.0.1:$nginx_port/v2/contacts/lists/upload")
  python3 - "$rows" "$bytes" "$herald_s" "$nginx_s" "$idle_kib" "$peak_kib" "$size" <<'PY'
import sys
rows, size, herald, nginx, idle, peak = (float(x) for x in sys.argv[1:7])
mb = size / 1e6
print(f"{int(rows):>9} rows {mb:7.1f} MB   herald {mb/herald:7.1f} MB/s ({herald:.2f} s)   "
      f"nginx {mb/nginx:7.1f} MB/s ({nginx:.2f} s)   ratio {nginx/herald:.2f}   "
      f"herald peak RSS {idle/1024:.1f} MiB idle, {peak/1024:.1f} MiB after   list {sys.argv[7]}")
PY
done
