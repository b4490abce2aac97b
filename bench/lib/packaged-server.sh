# Sourced by the bench scripts that replay a review's attack on the packaged server.
# start_server: starts target/quarkus-app with the chart's JVM settings (-Xmx1434m, exit on
# OutOfMemoryError) on $port, its data under $dir/data, admin token $admin, no demo hosts, the log
# appended to $dir/server.log; sets $server to its pid and returns once /q/health answers.
# make_token NAME ROLE [HOST]: prints a new token's secret (asked with the admin token).
start_server() {
  java -Xmx1434m -XX:+ExitOnOutOfMemoryError -Dquarkus.http.port="$port" \
    -Dfabricscope.data-dir="$dir/data" -Dfabricscope.admin-token="$admin" \
    -Dfabricscope.demo.seed=false -jar target/quarkus-app/quarkus-run.jar >> "$dir/server.log" 2>&1 &
  server=$!
  for _ in $(seq 60); do curl -sf "localhost:$port/q/health" > /dev/null && break; sleep 1; done
}
make_token() {
  curl -s -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"role\":\"$2\"${3:+,\"host\":\"$3\"}}" "localhost:$port/api/v1/tokens" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])'
}
