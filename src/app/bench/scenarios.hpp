#pragma once
// The scenarios `thingstead bench` runs. Each returns the process exit code
// (0, or 1 when the run could not be carried out) after printing its report.
#include "app/bench/options.hpp"

namespace ts::app::bench {

int run_fan_in(const BenchOptions& o);
int run_fan_out(const BenchOptions& o);
// p2p: N device/backend pairs, request and reply, round-trip latency.
int run_p2p(const BenchOptions& o);
// connect: N clients connect as fast as C outstanding allow.
// idle: the same, then the connections are held for --duration and the
// broker's memory per connection is reported.
// With --product or --devices-csv the clients sign in as registered devices.
int run_connect(const BenchOptions& o, bool hold_idle);
// props: N signed-in devices post property values; values stored per second.
int run_props(const BenchOptions& o);

}  // namespace ts::app::bench
