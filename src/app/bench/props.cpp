// props: N signed-in devices post property values against their product's
// thing model; a value counts once the platform's post_reply says code 200,
// which it sends only after the value is validated and stored. The figures
// are values stored per second and the post-to-reply latency.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <iostream>

#include "app/bench/bench_api.hpp"
#include "app/bench/props_run.hpp"
#include "app/bench/report.hpp"
#include "app/bench/scenarios.hpp"

namespace ts::app::bench {

namespace {

double per_s(std::uint64_t n, double s) {
    return s > 0 ? std::round(static_cast<double>(n) / s) : 0.0;
}

struct Setup {
    std::string product_key;
    bool product_created = false;
    PropsPlan plan;
    std::vector<DeviceCredential> devices;
};

// The product (given, the CSV's, or created with the bench's model), the
// plan its thing model allows, then the devices: the plan is checked before
// anything is registered.
Expected<Setup, std::string> set_up(const BenchOptions& o) {
    auto api = BenchApi::open(o);
    if (!api) return unexpected(api.error());
    Setup s;
    std::vector<DeviceCredential> from_csv;
    if (!o.devices_csv.empty()) {
        auto got = obtain_devices(o, o.devices);
        if (!got) return unexpected(got.error());
        from_csv = std::move(*got);
    }
    nlohmann::json tsl;
    if (!o.product.empty() || !from_csv.empty()) {
        s.product_key = o.product.empty() ? from_csv.front().product_key : o.product;
        auto model = api->thing_model(s.product_key);
        if (!model) return unexpected(model.error());
        tsl = std::move(*model);
    } else {
        tsl = bench_thing_model(std::max<std::size_t>(o.values, 2));
        // Product names are 4-32 of [A-Za-z0-9_]; pid and time keep runs apart.
        const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
        auto pk = api->create_product(
            "bench_props_" + std::to_string(::getpid()) + "_" + std::to_string(now_s % 100000),
            tsl);
        if (!pk) return unexpected(pk.error());
        s.product_key = *pk;
        s.product_created = true;
    }
    auto plan = make_props_plan(o, tsl);
    if (!plan) return unexpected("product " + s.product_key + ": " + plan.error());
    s.plan = std::move(*plan);
    if (!from_csv.empty()) {
        s.devices = std::move(from_csv);
    } else {
        auto devices = api->register_devices(s.product_key, o.devices);
        if (!devices) return unexpected(devices.error());
        s.devices = std::move(*devices);
    }
    return s;
}

}  // namespace

int run_props(const BenchOptions& given) {
    auto setup = set_up(given);
    if (!setup) {
        std::cerr << "thingstead: bench props: " << setup.error() << "\n";
        return 1;
    }
    BenchOptions o = given;
    o.identity_label = "devices of " + setup->product_key + " (hmacsha256)";
    o.identity = device_identity(setup->devices);
    const auto& plan = setup->plan;
    const auto res = run_props_devices(o, plan, setup->devices);
    if (!res.ok) {
        std::cerr << "thingstead: bench props: " << res.error << "\n";
        return 1;
    }
    const auto values = plan.properties.size();
    Report r;
    r.scenario = "props";
    r.parameters = common_parameters(o);
    r.parameters["product"] = setup->product_key;
    r.parameters["product_created"] = setup->product_created;
    r.parameters["devices"] = plan.devices;
    r.parameters["values_per_post"] = values;
    r.parameters["qos"] = o.qos;
    r.parameters["rate_per_device"] = o.rate > 0 ? nlohmann::ordered_json(o.rate) : "flat out";
    if (plan.window > 0) r.parameters["inflight_per_device"] = plan.window;
    r.parameters["duration_s"] = o.duration_s;
    r.parameters["warmup_s"] = o.warmup_s;

    r.results["window_s"] = std::round(res.window_s * 1000) / 1000;
    r.results["values_stored_per_s"] = per_s(res.stored * values, res.window_s);
    r.results["posts_per_s"] = per_s(res.posts, res.window_s);
    r.results["stored_posts_per_s"] = per_s(res.stored, res.window_s);
    r.results["posts_total"] = res.posts_total;
    r.results["stored_total"] = res.stored_total;
    r.results["values_stored_total"] = res.stored_total * values;
    r.results["replies_not_200"] = res.refused_total;
    r.results["lost"] = res.lost;
    r.results["connection_failures"] = res.failures;
    add_latency(r, res.reply_latency, "reply_latency_us");
    add_broker(r, res.broker_before, res.broker_after, res.stored * values,
               "broker_cpu_us_per_stored_value");
    if (res.failures > 0) r.notes.push_back("connections failed: " + res.first_failure);
    if (res.refused_total > 0) r.notes.push_back("first reply not 200: " + res.first_refusal);
    if (res.lost > 0)
        r.notes.push_back(
            "lost counts every post sent (warm-up included) without a reply two seconds after "
            "the end");
    print_report(r, o.json, std::cout);
    return 0;
}

}  // namespace ts::app::bench
