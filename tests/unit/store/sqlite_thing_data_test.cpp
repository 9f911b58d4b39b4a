#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "store/broker_state.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_db.hpp"
#include "store/thing_data.hpp"
#include "store/thing_data_schema.hpp"
#include "temp_dir.hpp"

namespace ts::store {
namespace {

using namespace std::string_literals;
using test::TempDir;

std::unique_ptr<ThingDataStore> open_ok(const std::string& path) {
    auto s = open_sqlite_thing_data(path);
    EXPECT_TRUE(s.has_value()) << s.error().message;
    return s ? std::move(s).value() : nullptr;
}

template <class T>
T value_ok(Expected<T, Error> r) {
    EXPECT_TRUE(r.has_value()) << r.error().message;
    return r ? std::move(r).value() : T{};
}

std::int64_t count_rows(const std::string& path, const std::string& sql) {
    auto db = sqlite::Database::open(path);
    EXPECT_TRUE(db.has_value()) << db.error().message;
    if (!db) return -1;
    auto n = db->query_int64(sql);
    EXPECT_TRUE(n.has_value()) << n.error().message;
    return n ? *n : -1;
}

PropertyValue prop(std::string id, std::string json, std::int64_t t) {
    return PropertyValue{.identifier = std::move(id), .value_json = std::move(json), .time_ms = t};
}

auto fields(const PropertyValue& v) {
    return std::tie(v.identifier, v.value_json, v.time_ms);
}
auto fields(const CallRecord& c) {
    return std::tie(c.id, c.product_key, c.device_name, c.identifier, c.params_json, c.request_time,
                    c.status, c.reply_code, c.reply_data_json, c.reply_message, c.reply_time);
}
auto fields(const ShadowRecord& s) {
    return std::tie(s.product_key, s.device_name, s.document_json, s.version, s.updated_time);
}
auto fields(const DesiredValue& d) {
    return std::tie(d.product_key, d.device_name, d.identifier, d.value_json, d.version, d.time_ms);
}
template <class T>
void expect_same(const std::vector<T>& actual, const std::vector<T>& expected) {
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i) {
        EXPECT_TRUE(fields(actual[i]) == fields(expected[i])) << "record " << i;
    }
}

// Every page of a history, following the tokens.
std::vector<PropertyValue> device_history(ThingDataStore& store, const std::string& dn,
                                          const std::string& id, HistoryQuery q = {}) {
    std::vector<PropertyValue> out;
    for (int pages = 0; pages < 10'000; ++pages) {
        auto page = value_ok(store.property_history("p", dn, id, q));
        out.insert(out.end(), page.items.begin(), page.items.end());
        if (page.next_page_token.empty()) break;
        q.page_token = page.next_page_token;
    }
    return out;
}

std::vector<PropertyValue> all_history(ThingDataStore& store, const std::string& id,
                                       HistoryQuery q) {
    return device_history(store, "d", id, std::move(q));
}

TEST(SqliteThingData, FreshDatabaseRecordsItsSchemaVersion) {
    TempDir dir;
    const auto path = dir.file("ts.db");
    ASSERT_TRUE(open_ok(path));
    auto db = sqlite::Database::open(path);
    ASSERT_TRUE(db.has_value());
    EXPECT_EQ(*schema_version(*db, kThingDataComponent),
              static_cast<int>(thing_data_migrations().size()));
}

TEST(SqliteThingData, SharesTheFileWithTheBrokerState) {
    TempDir dir;
    const auto path = dir.file("ts.db");
    auto broker = open_sqlite_broker_state(path);
    ASSERT_TRUE(broker.has_value()) << broker.error().message;
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    (*broker)->put_retained(RetainedRecord{.topic = "t", .payload = "x"});
    store->put_properties("p", "d", {prop("temp", "21.5", 1)}, nullptr);
    (*broker)->flush();
    store->flush();
    EXPECT_EQ(value_ok((*broker)->load()).retained.size(), 1u);
    EXPECT_EQ(value_ok(store->latest_properties("p", "d")).size(), 1u);
}

TEST(SqliteThingData, OlderValueDoesNotReplaceTheLatest) {
    TempDir dir;
    auto store = open_ok(dir.file("ts.db"));
    ASSERT_TRUE(store);
    store->put_properties("p", "d", {prop("temp", "20", 200), prop("hum", "40", 100)}, nullptr);
    store->put_properties("p", "d", {prop("temp", "19", 100)}, nullptr);  // late arrival
    store->flush();
    expect_same(value_ok(store->latest_properties("p", "d")),
                {prop("hum", "40", 100), prop("temp", "20", 200)});

    // An equal time replaces (a correction); a newer one too.
    store->put_properties("p", "d", {prop("temp", "20.5", 200), prop("hum", "41", 101)}, nullptr);
    store->flush();
    expect_same(value_ok(store->latest_properties("p", "d")),
                {prop("hum", "41", 101), prop("temp", "20.5", 200)});

    // The history keeps every value, the late one included.
    expect_same(all_history(*store, "temp", {}),
                {prop("temp", "20.5", 200), prop("temp", "20", 200), prop("temp", "19", 100)});
    EXPECT_TRUE(value_ok(store->latest_properties("p", "other")).empty());
}

TEST(SqliteThingData, HistoryPagesNewestFirstAcrossEqualTimes) {
    TempDir dir;
    auto store = open_ok(dir.file("ts.db"));
    ASSERT_TRUE(store);
    // Three values per millisecond, so that page boundaries fall inside
    // groups of equal times; inserted in two posts out of time order.
    std::vector<PropertyValue> first;
    std::vector<PropertyValue> second;
    for (int i = 0; i < 30; ++i) {
        auto v = prop("temp", std::to_string(i), 1000 + i / 3);
        (i % 2 == 0 ? first : second).push_back(v);
    }
    store->put_properties("p", "d", first, nullptr);
    store->put_properties("p", "d", second, nullptr);
    store->flush();

    // Expected: time desc, then insertion order desc.
    std::vector<PropertyValue> inserted = first;
    inserted.insert(inserted.end(), second.begin(), second.end());
    std::vector<PropertyValue> expected;
    for (std::int64_t t = 1009; t >= 1000; --t) {
        for (auto it = inserted.rbegin(); it != inserted.rend(); ++it) {
            if (it->time_ms == t) expected.push_back(*it);
        }
    }

    HistoryQuery q{.limit = 4};
    std::vector<PropertyValue> got;
    int pages = 0;
    for (;;) {
        auto page = value_ok(store->property_history("p", "d", "temp", q));
        ++pages;
        EXPECT_LE(page.items.size(), 4u);
        got.insert(got.end(), page.items.begin(), page.items.end());
        if (page.next_page_token.empty()) break;
        EXPECT_EQ(page.items.size(), 4u);
        q.page_token = page.next_page_token;
        // A value posted after the first page, at the cursor's own time, has
        // a higher seq: it sorts before the cursor and must not show up on
        // later pages.
        if (pages == 1) {
            EXPECT_EQ(page.items.back().time_ms, 1008);
            store->put_properties("p", "d", {prop("temp", "late", 1008)}, nullptr);
            store->flush();
        }
        ASSERT_LT(pages, 100);
    }
    EXPECT_EQ(pages, 8);
    expect_same(got, expected);
}

TEST(SqliteThingData, HistoryRangeIsInclusiveAndLimitIsClamped) {
    TempDir dir;
    auto store = open_ok(dir.file("ts.db"));
    ASSERT_TRUE(store);
    std::vector<PropertyValue> values;
    for (int t = 10; t <= 100; t += 10) values.push_back(prop("x", std::to_string(t), t));
    store->put_properties("p", "d", values, nullptr);
    store->put_properties("p", "d", {prop("y", "1", 30)}, nullptr);  // another identifier
    store->flush();

    auto page = value_ok(store->property_history("p", "d", "x", {.from = 20, .to = 50}));
    expect_same(page.items, {prop("x", "50", 50), prop("x", "40", 40), prop("x", "30", 30),
                             prop("x", "20", 20)});
    EXPECT_TRUE(page.next_page_token.empty());
    EXPECT_TRUE(
        value_ok(store->property_history("p", "d", "x", {.from = 60, .to = 50})).items.empty());

    // limit 0 means 1; the range still holds when paging.
    auto one = value_ok(store->property_history("p", "d", "x", {.from = 20, .to = 50, .limit = 0}));
    expect_same(one.items, {prop("x", "50", 50)});
    EXPECT_FALSE(one.next_page_token.empty());
    auto rest = value_ok(store->property_history(
        "p", "d", "x", {.from = 20, .to = 50, .limit = 10, .page_token = one.next_page_token}));
    EXPECT_EQ(rest.items.size(), 3u);
    EXPECT_EQ(rest.items.back().time_ms, 20);

    std::vector<PropertyValue> many;
    for (int i = 0; i < 1100; ++i) many.push_back(prop("z", "0", i));
    store->put_properties("p", "d", many, nullptr);
    store->flush();
    auto big = value_ok(store->property_history("p", "d", "z", {.limit = 5000}));
    EXPECT_EQ(big.items.size(), 1000u);
    EXPECT_FALSE(big.next_page_token.empty());
}

TEST(SqliteThingData, MalformedPageTokenIsAnError) {
    TempDir dir;
    auto store = open_ok(dir.file("ts.db"));
    ASSERT_TRUE(store);
    for (const std::string& token :
         {"garbage"s, "v1."s, "v1.5"s, "v1.x.1"s, "v1.5.x"s, "v1.5.-1"s, "v1.5.1 "s, "v2.5.1"s,
          "v1.99999999999999999999.1"s, "v1.+5.1"s}) {
        HistoryQuery q{.page_token = token};
        auto h = store->property_history("p", "d", "x", q);
        ASSERT_FALSE(h.has_value()) << token;
        EXPECT_EQ(h.error().message, "invalid page token") << token;
        EXPECT_FALSE(store->events("p", "d", "", q).has_value()) << token;
        EXPECT_FALSE(store->calls("p", "d", q).has_value()) << token;
    }
    // A negative time (before 1970) is a valid position.
    EXPECT_TRUE(store->property_history("p", "d", "x", {.page_token = "v1.-5.3"}).has_value());
}

TEST(SqliteThingData, AggregateBucketsNumericValuesOldestFirst) {
    TempDir dir;
    auto store = open_ok(dir.file("ts.db"));
    ASSERT_TRUE(store);
    store->put_properties(
        "p", "d",
        {
            prop("t", "1", 0), prop("t", "3.5", 9), prop("t", "\"7\"", 5),  // a string: not counted
            prop("t", "true", 5),       // a boolean: not counted
            prop("t", "{\"a\":1}", 5),  // an object: not counted
            prop("t", "not json", 5),   // malformed: not counted
            prop("t", "-2", 10), prop("t", "1e1", 19), prop("t", "100", 35),  // 20..29 stays empty
            prop("t", "-4", -1),    // before 0: bucket -10
            prop("t", "1000", 40),  // outside the range
            prop("u", "50", 12),    // another identifier
        },
        nullptr);
    store->flush();
    auto buckets = value_ok(store->property_aggregate("p", "d", "t", -10, 39, 10));
    ASSERT_EQ(buckets.size(), 4u);
    EXPECT_EQ(buckets[0].start, -10);
    EXPECT_EQ(buckets[0].count, 1);
    EXPECT_DOUBLE_EQ(buckets[0].min, -4);
    EXPECT_EQ(buckets[1].start, 0);
    EXPECT_EQ(buckets[1].count, 2);
    EXPECT_DOUBLE_EQ(buckets[1].min, 1);
    EXPECT_DOUBLE_EQ(buckets[1].max, 3.5);
    EXPECT_DOUBLE_EQ(buckets[1].avg, 2.25);
    EXPECT_EQ(buckets[2].start, 10);
    EXPECT_EQ(buckets[2].count, 2);
    EXPECT_DOUBLE_EQ(buckets[2].min, -2);
    EXPECT_DOUBLE_EQ(buckets[2].max, 10);
    EXPECT_DOUBLE_EQ(buckets[2].avg, 4);
    EXPECT_EQ(buckets[3].start, 30);
    EXPECT_EQ(buckets[3].count, 1);
    EXPECT_DOUBLE_EQ(buckets[3].avg, 100);

    EXPECT_TRUE(value_ok(store->property_aggregate("p", "d", "none", 0, 100, 10)).empty());
    EXPECT_FALSE(store->property_aggregate("p", "d", "t", 0, 100, 0).has_value());
}

TEST(SqliteThingData, EventsWithAndWithoutIdentifier) {
    TempDir dir;
    auto store = open_ok(dir.file("ts.db"));
    ASSERT_TRUE(store);
    auto event = [](std::string id, std::string type, std::int64_t t) {
        return EventRecord{.product_key = "p",
                           .device_name = "d",
                           .identifier = std::move(id),
                           .type = std::move(type),
                           .value_json = "{\"n\":" + std::to_string(t) + "}",
                           .time_ms = t};
    };
    store->put_event(event("overheat", "alert", 10), nullptr);
    store->put_event(event("boot", "info", 20), nullptr);
    store->put_event(event("overheat", "alert", 30), nullptr);
    store->put_event(event("fault", "error", 30), nullptr);
    auto other = event("boot", "info", 25);
    other.device_name = "d2";
    store->put_event(other, nullptr);
    store->flush();

    auto all = value_ok(store->events("p", "d", "", {}));
    ASSERT_EQ(all.items.size(), 4u);
    EXPECT_EQ(all.items[0].identifier, "fault");  // same time: the later insert first
    EXPECT_EQ(all.items[1].identifier, "overheat");
    EXPECT_EQ(all.items[1].time_ms, 30);
    EXPECT_EQ(all.items[2].identifier, "boot");
    EXPECT_EQ(all.items[3].time_ms, 10);
    EXPECT_EQ(all.items[0].type, "error");
    EXPECT_EQ(all.items[0].value_json, "{\"n\":30}");
    EXPECT_EQ(all.items[0].product_key, "p");
    EXPECT_EQ(all.items[0].device_name, "d");

    auto overheat = value_ok(store->events("p", "d", "overheat", {}));
    ASSERT_EQ(overheat.items.size(), 2u);
    EXPECT_EQ(overheat.items[0].time_ms, 30);
    EXPECT_EQ(overheat.items[1].time_ms, 10);

    // Paging without identifier, and a range.
    auto first = value_ok(store->events("p", "d", "", {.limit = 3}));
    ASSERT_EQ(first.items.size(), 3u);
    auto second =
        value_ok(store->events("p", "d", "", {.limit = 3, .page_token = first.next_page_token}));
    ASSERT_EQ(second.items.size(), 1u);
    EXPECT_EQ(second.items[0].time_ms, 10);
    EXPECT_TRUE(second.next_page_token.empty());
    EXPECT_EQ(value_ok(store->events("p", "d", "", {.from = 15, .to = 25})).items.size(), 1u);
}

TEST(SqliteThingData, CallIsReplacedById) {
    TempDir dir;
    auto store = open_ok(dir.file("ts.db"));
    ASSERT_TRUE(store);
    CallRecord sent{.id = "41",
                    .product_key = "p",
                    .device_name = "d",
                    .identifier = "reboot",
                    .params_json = "{}",
                    .request_time = 100,
                    .status = "sent"};
    CallRecord other{.id = "42",
                     .product_key = "p",
                     .device_name = "d",
                     .identifier = "set",
                     .params_json = "{\"on\":true}",
                     .request_time = 100,
                     .status = "sent"};
    store->put_call(sent);
    store->put_call(other);
    CallRecord replied = sent;
    replied.status = "replied";
    replied.reply_code = 200;
    replied.reply_data_json = "{\"ok\":1}";
    replied.reply_message = "success";
    replied.reply_time = 150;
    store->put_call(replied);
    store->flush();

    // The replaced call keeps its place: 42 was inserted after it.
    auto page = value_ok(store->calls("p", "d", {}));
    expect_same(page.items, {other, replied});
    EXPECT_FALSE(page.items[0].reply_code.has_value());

    auto first = value_ok(store->calls("p", "d", {.limit = 1}));
    expect_same(first.items, {other});
    auto second =
        value_ok(store->calls("p", "d", {.limit = 1, .page_token = first.next_page_token}));
    expect_same(second.items, {replied});
    EXPECT_TRUE(second.next_page_token.empty());
}

TEST(SqliteThingData, ShadowsAndDesiredSurviveReopen) {
    TempDir dir;
    const auto path = dir.file("ts.db");
    const ShadowRecord s1{.product_key = "p",
                          .device_name = "a",
                          .document_json = R"({"state":{"desired":{"on":1}},"metadata":{}})",
                          .version = 3,
                          .updated_time = 1'700'000'000'000};
    const ShadowRecord s2{
        .product_key = "p", .device_name = "b", .document_json = "{}", .version = 1};
    const DesiredValue d1{.product_key = "p",
                          .device_name = "a",
                          .identifier = "on",
                          .value_json = "true",
                          .version = 2,
                          .time_ms = 5};
    const DesiredValue d2{.product_key = "p",
                          .device_name = "a",
                          .identifier = "speed",
                          .value_json = "3",
                          .version = 1,
                          .time_ms = 6};
    {
        auto store = open_ok(path);
        ASSERT_TRUE(store);
        store->put_shadow(s2);
        ShadowRecord old = s1;
        old.version = 2;
        store->put_shadow(old);
        store->put_shadow(s1);  // replaces
        store->put_shadow(ShadowRecord{.product_key = "p", .device_name = "gone"});
        store->delete_shadow("p", "gone");
        store->put_desired(d1);
        store->put_desired(d2);
        store->put_desired(DesiredValue{.product_key = "p", .device_name = "a", .identifier = "x"});
        store->delete_desired("p", "a", "x");
        // No flush: closing the store commits what is queued.
    }
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    expect_same(value_ok(store->load_shadows()), {s1, s2});
    expect_same(value_ok(store->load_desired()), {d1, d2});
}

TEST(SqliteThingData, ThingModelsPutLoadDelete) {
    TempDir dir;
    auto store = open_ok(dir.file("ts.db"));
    ASSERT_TRUE(store);
    EXPECT_TRUE(value_ok(store->load_thing_models()).empty());
    ASSERT_TRUE(store->put_thing_model("p2", R"({"properties":[]})").has_value());
    ASSERT_TRUE(store->put_thing_model("p1", R"({"v":1})").has_value());
    ASSERT_TRUE(store->put_thing_model("p1", R"({"v":2})").has_value());
    using Models = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(value_ok(store->load_thing_models()),
              (Models{{"p1", R"({"v":2})"}, {"p2", R"({"properties":[]})"}}));
    ASSERT_TRUE(store->delete_thing_model("p2").has_value());
    ASSERT_TRUE(store->delete_thing_model("absent").has_value());
    EXPECT_EQ(value_ok(store->load_thing_models()), (Models{{"p1", R"({"v":2})"}}));
}

TEST(SqliteThingData, ConfigPutGet) {
    TempDir dir;
    auto store = open_ok(dir.file("ts.db"));
    ASSERT_TRUE(store);
    EXPECT_FALSE(value_ok(store->get_config("p")).has_value());
    ConfigFile file{.product_key = "p",
                    .config_id = "c-1",
                    .content = "a=1\n\0b=\xff"s,
                    .sha256_hex = "abc",
                    .updated_time = 7};
    ASSERT_TRUE(store->put_config(file).has_value());
    file.config_id = "c-2";
    file.content = "";
    file.updated_time = 8;
    ASSERT_TRUE(store->put_config(file).has_value());
    auto got = value_ok(store->get_config("p"));
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->product_key, "p");
    EXPECT_EQ(got->config_id, "c-2");
    EXPECT_EQ(got->content, "");
    EXPECT_EQ(got->sha256_hex, "abc");
    EXPECT_EQ(got->updated_time, 8);

    file.product_key = "q";
    file.content = "x\0y"s;
    ASSERT_TRUE(store->put_config(file).has_value());
    EXPECT_EQ(value_ok(store->get_config("q"))->content, "x\0y"s);
}

TEST(SqliteThingData, DeleteDeviceDataKeepsOtherDevices) {
    TempDir dir;
    const auto path = dir.file("ts.db");
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    for (const std::string& dn : {"gone"s, "kept"s}) {
        store->put_properties("p", dn, {prop("t", "1", 1), prop("t", "2", 2)}, nullptr);
        store->put_event(EventRecord{.product_key = "p", .device_name = dn, .identifier = "e"},
                         nullptr);
        store->put_call(CallRecord{.id = dn, .product_key = "p", .device_name = dn});
        store->put_shadow(ShadowRecord{.product_key = "p", .device_name = dn});
        store->put_desired(DesiredValue{.product_key = "p", .device_name = dn, .identifier = "t"});
    }
    store->delete_device_data("p", "gone");
    store->flush();
    for (const std::string& table :
         {"property_series"s, "events"s, "calls"s, "shadows"s, "desired"s}) {
        EXPECT_EQ(count_rows(path, "SELECT count(*) FROM " + table + " WHERE dn = 'gone'"), 0)
            << table;
        EXPECT_GT(count_rows(path, "SELECT count(*) FROM " + table + " WHERE dn = 'kept'"), 0)
            << table;
    }
    // History rows name their series only: none may outlive it.
    EXPECT_EQ(count_rows(path,
                         "SELECT count(*) FROM property_history "
                         "WHERE series NOT IN (SELECT id FROM property_series)"),
              0);
    EXPECT_EQ(count_rows(path, "SELECT count(*) FROM property_history"), 2);
    EXPECT_TRUE(value_ok(store->latest_properties("p", "gone")).empty());
    EXPECT_EQ(value_ok(store->latest_properties("p", "kept")).size(), 1u);
    // The device posts again: its series are created anew.
    store->put_properties("p", "gone", {prop("t", "3", 3)}, nullptr);
    store->flush();
    expect_same(value_ok(store->latest_properties("p", "gone")), {prop("t", "3", 3)});
    expect_same(device_history(*store, "gone", "t"), {prop("t", "3", 3)});
}

TEST(SqliteThingData, SeriesCreatedByARolledBackBatchAreCreatedAgain) {
    TempDir dir;
    const auto path = dir.file("ts.db");
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    // SQLite refuses one event, which rolls back the batch that already
    // created the series of "t"; the batch is then committed without it.
    auto other = sqlite::Database::open(path);
    ASSERT_TRUE(other.has_value());
    ASSERT_TRUE(other
                    ->exec("CREATE TRIGGER refuse BEFORE INSERT ON events "
                           "WHEN NEW.identifier = 'refused' BEGIN SELECT RAISE(ABORT, 'no'); END")
                    .has_value());
    // The writer waits for the lock with its first batch while the post and
    // the event queue up behind it as the next one (or all in one batch).
    ASSERT_TRUE(other->exec("BEGIN IMMEDIATE").has_value());
    store->put_properties("p", "first", {prop("t", "0", 1)}, nullptr);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::atomic<int> event_ok{-1};
    store->put_properties("p", "d", {prop("t", "1", 1)}, nullptr);
    store->put_event(EventRecord{.product_key = "p", .device_name = "d", .identifier = "refused"},
                     [&](bool ok) { event_ok = ok ? 1 : 0; });
    ASSERT_TRUE(other->exec("COMMIT").has_value());
    store->flush();
    EXPECT_EQ(event_ok, 0);
    expect_same(value_ok(store->latest_properties("p", "d")), {prop("t", "1", 1)});
    expect_same(device_history(*store, "d", "t"), {prop("t", "1", 1)});
    store->put_properties("p", "d", {prop("t", "2", 2)}, nullptr);
    store->flush();
    expect_same(value_ok(store->latest_properties("p", "d")), {prop("t", "2", 2)});
    EXPECT_EQ(count_rows(path,
                         "SELECT count(*) FROM property_history "
                         "WHERE series NOT IN (SELECT id FROM property_series)"),
              0);
}

// Version 1 kept pk, dn and identifier in every history row and the latest
// values in their own table; version 2 moves both onto property_series.
TEST(SqliteThingData, MigratesPropertiesFromTheFirstSchema) {
    TempDir dir;
    const auto path = dir.file("ts.db");
    {
        auto db = sqlite::Database::open(path);
        ASSERT_TRUE(db.has_value());
        ASSERT_TRUE(apply_migrations(*db, kThingDataComponent, thing_data_migrations().first(1))
                        .has_value());
        ASSERT_TRUE(db->exec(R"sql(
INSERT INTO property_history (seq, pk, dn, identifier, time_ms, value_json) VALUES
    (1, 'p', 'd', 't', 10, '1'), (2, 'p', 'd', 't', 10, '2'), (3, 'p', 'd', 'h', 5, '50'),
    (4, 'p', 'e', 't', 7, '7'), (5, 'p', 'd', 't', 20, '3'), (6, 'p', 'e', 'only', 9, '"x"'),
    (7, 'p', 'e', 'only', 8, '"y"');
INSERT INTO latest_properties (pk, dn, identifier, value_json, time_ms) VALUES
    ('p', 'd', 't', '3', 20), ('p', 'd', 'h', '50', 5), ('p', 'e', 't', '7', 7);
)sql")
                        .has_value());
    }
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    {
        auto db = sqlite::Database::open(path);
        ASSERT_TRUE(db.has_value());
        EXPECT_EQ(value_ok(schema_version(*db, kThingDataComponent)), 2);
    }
    expect_same(value_ok(store->latest_properties("p", "d")),
                {prop("h", "50", 5), prop("t", "3", 20)});
    // A series with history but no latest row gets its newest value.
    expect_same(value_ok(store->latest_properties("p", "e")),
                {prop("only", "\"x\"", 9), prop("t", "7", 7)});
    // Order kept across equal times: seq came along.
    expect_same(device_history(*store, "d", "t"),
                {prop("t", "3", 20), prop("t", "2", 10), prop("t", "1", 10)});
    expect_same(device_history(*store, "e", "only"),
                {prop("only", "\"x\"", 9), prop("only", "\"y\"", 8)});
    store->put_properties("p", "d", {prop("t", "4", 20)}, nullptr);
    store->flush();
    expect_same(device_history(*store, "d", "t"),
                {prop("t", "4", 20), prop("t", "3", 20), prop("t", "2", 10), prop("t", "1", 10)});
    expect_same(value_ok(store->latest_properties("p", "d")),
                {prop("h", "50", 5), prop("t", "4", 20)});
    EXPECT_EQ(count_rows(path,
                         "SELECT count(*) FROM sqlite_schema WHERE name IN "
                         "('latest_properties', 'property_values')"),
              0);
}

TEST(SqliteThingData, DeviceDeletedInTheMiddleOfABatch) {
    TempDir dir;
    auto store = open_ok(dir.file("ts.db"));
    ASSERT_TRUE(store);
    // Whether these land in one batch or several, the result is the same.
    store->put_properties("p", "d", {prop("t", "old", 100)}, nullptr);
    store->delete_device_data("p", "d");
    store->put_properties("p", "d", {prop("t", "new", 50)}, nullptr);
    store->flush();
    expect_same(value_ok(store->latest_properties("p", "d")), {prop("t", "new", 50)});
    expect_same(all_history(*store, "t", {}), {prop("t", "new", 50)});
}

// Writes given up on are counted by kind, for the shutdown summary: the
// property values of a rejected post, one for anything else.
TEST(SqliteThingData, CountsWhatItCouldNotSave) {
    TempDir dir;
    const auto path = dir.file("ts.db");
    { ASSERT_TRUE(open_ok(path)); }
    {
        auto db = sqlite::Database::open(path);
        ASSERT_TRUE(db.has_value());
        ASSERT_TRUE(
            db->exec("CREATE TRIGGER reject_bad BEFORE INSERT ON property_history "
                     "WHEN NEW.value_json = '\"bad\"' BEGIN SELECT RAISE(ABORT, 'no'); END"));
        ASSERT_TRUE(
            db->exec("CREATE TRIGGER reject_event BEFORE INSERT ON events "
                     "BEGIN SELECT RAISE(ABORT, 'no'); END"));
    }
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    EXPECT_EQ(store->unsaved().property_values, 0u);
    store->put_properties("p", "d", {prop("a", "1", 1)}, nullptr);
    store->put_properties("p", "d", {prop("b", "2", 1), prop("c", "\"bad\"", 1)}, nullptr);
    store->put_event(EventRecord{"p", "d", "alarm", "alert", "{}", 1}, nullptr);
    store->flush();
    EXPECT_EQ(store->unsaved().property_values, 2u);
    EXPECT_EQ(store->unsaved().other_writes, 1u);
    expect_same(value_ok(store->latest_properties("p", "d")), {prop("a", "1", 1)});
}

TEST(SqliteThingData, ReadsDoNotWaitForTheWriteLock) {
    TempDir dir;
    const auto path = dir.file("ts.db");
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    store->put_properties("p", "d", {prop("t", "1", 1)}, nullptr);
    store->flush();
    // Another connection holds the write lock, so the writer's next batch
    // waits (busy timeout); reads go on from the last commit meanwhile.
    auto other = sqlite::Database::open(path);
    ASSERT_TRUE(other.has_value());
    ASSERT_TRUE(other->exec("BEGIN IMMEDIATE").has_value());
    store->put_properties("p", "d", {prop("t", "2", 2)}, nullptr);
    const auto start = std::chrono::steady_clock::now();
    expect_same(value_ok(store->latest_properties("p", "d")), {prop("t", "1", 1)});
    EXPECT_EQ(all_history(*store, "t", {}).size(), 1u);
    // Well under the 5 s busy timeout that a read queued behind the writer
    // would wait.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
    ASSERT_TRUE(other->exec("COMMIT").has_value());
    store->flush();
    expect_same(value_ok(store->latest_properties("p", "d")), {prop("t", "2", 2)});
}

TEST(SqliteThingData, DoneRunsAfterTheCommit) {
    TempDir dir;
    const auto path = dir.file("ts.db");
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    std::atomic<int> calls{0};
    std::atomic<int> failures{0};
    // Another connection must already see the write when done runs.
    store->put_properties("p", "d", {prop("t", "1", 1)}, [&](bool ok) {
        if (!ok || count_rows(path, "SELECT count(*) FROM property_series") != 1) ++failures;
        ++calls;
    });
    store->put_event(EventRecord{.product_key = "p", .device_name = "d", .identifier = "e"},
                     [&](bool ok) {
                         if (!ok || count_rows(path, "SELECT count(*) FROM events") != 1) {
                             ++failures;
                         }
                         // flush() from a callback must not wait for itself.
                         store->flush();
                         ++calls;
                     });
    store->put_properties("p", "d", {}, nullptr);  // no values, no callback
    store->flush();
    // flush() returns after the callbacks of what it waited for.
    EXPECT_EQ(calls.load(), 2);
    EXPECT_EQ(failures.load(), 0);
}

TEST(SqliteThingData, FlushWaitsForWritesFromOtherThreads) {
    TempDir dir;
    auto store = open_ok(dir.file("ts.db"));
    ASSERT_TRUE(store);
    constexpr int kThreads = 4;
    constexpr int kPosts = 250;
    std::atomic<int> done{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPosts; ++i) {
                store->put_properties("p", "d" + std::to_string(t),
                                      {prop("n", std::to_string(i), i)},
                                      [&](bool ok) { done += ok ? 1 : 0; });
            }
        });
    }
    for (auto& th : threads) th.join();
    store->flush();
    EXPECT_EQ(done.load(), kThreads * kPosts);
    for (int t = 0; t < kThreads; ++t) {
        auto latest = value_ok(store->latest_properties("p", "d" + std::to_string(t)));
        ASSERT_EQ(latest.size(), 1u);
        EXPECT_EQ(latest[0].value_json, std::to_string(kPosts - 1));
    }
}

// Callbacks run on their own thread while the writer commits the next
// batches: they must still run once each, in the order of the writes, may
// write again from inside, and all run before the store is gone.
TEST(SqliteThingData, CallbacksRunInWriteOrderAndBeforeTheStoreCloses) {
    TempDir dir;
    std::vector<int> order;  // touched by the callbacks only, one thread at a time
    std::atomic<int> rewrites_done{0};
    constexpr int kPosts = 3000;
    {
        auto store = open_ok(dir.file("ts.db"));
        ASSERT_TRUE(store);
        for (int i = 0; i < kPosts; ++i) {
            store->put_properties("p", "d", {prop("n", std::to_string(i), i)}, [&, i](bool ok) {
                order.push_back(ok ? i : -1);
                if (i % 1000 == 0)
                    store->put_properties("p", "again", {prop("n", std::to_string(i), i)},
                                          [&](bool again_ok) { rewrites_done += again_ok; });
            });
        }
        // No flush: closing the store runs every callback, including those of
        // the writes the callbacks themselves queued.
    }
    ASSERT_EQ(order.size(), static_cast<std::size_t>(kPosts));
    for (int i = 0; i < kPosts; ++i) ASSERT_EQ(order[static_cast<std::size_t>(i)], i);
    EXPECT_EQ(rewrites_done.load(), kPosts / 1000);
}

TEST(SqliteThingData, ReopenKeepsEverything) {
    TempDir dir;
    const auto path = dir.file("ts.db");
    {
        auto store = open_ok(path);
        ASSERT_TRUE(store);
        store->put_properties("p", "d", {prop("t", "1", 1), prop("t", "2", 2)}, nullptr);
        store->put_event(EventRecord{.product_key = "p", .device_name = "d", .identifier = "e"},
                         nullptr);
        store->put_call(CallRecord{.id = "1", .product_key = "p", .device_name = "d"});
        store->put_shadow(ShadowRecord{.product_key = "p", .device_name = "d"});
        store->put_desired(DesiredValue{.product_key = "p", .device_name = "d", .identifier = "t"});
        ASSERT_TRUE(store->put_thing_model("p", "{}").has_value());
        ASSERT_TRUE(store->put_config(ConfigFile{.product_key = "p", .content = "c"}).has_value());
    }
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    expect_same(value_ok(store->latest_properties("p", "d")), {prop("t", "2", 2)});
    EXPECT_EQ(all_history(*store, "t", {}).size(), 2u);
    EXPECT_EQ(value_ok(store->events("p", "d", "", {})).items.size(), 1u);
    EXPECT_EQ(value_ok(store->calls("p", "d", {})).items.size(), 1u);
    EXPECT_EQ(value_ok(store->load_shadows()).size(), 1u);
    EXPECT_EQ(value_ok(store->load_desired()).size(), 1u);
    EXPECT_EQ(value_ok(store->load_thing_models()).size(), 1u);
    EXPECT_EQ(value_ok(store->get_config("p"))->content, "c");
}

// A volume check, not a benchmark: every value of a large batch is stored.
// The rate is printed for the record only; timing depends on the machine.
TEST(SqliteThingData, LargeBatchIsStoredWhole) {
    TempDir dir;
    const auto path = dir.file("ts.db");
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    constexpr int kDevices = 100;
    constexpr int kPostsPerDevice = 20;
    constexpr int kValuesPerPost = 10;
    const auto start = std::chrono::steady_clock::now();
    for (int p = 0; p < kPostsPerDevice; ++p) {
        for (int d = 0; d < kDevices; ++d) {
            std::vector<PropertyValue> values;
            for (int v = 0; v < kValuesPerPost; ++v) {
                values.push_back(prop("prop" + std::to_string(v), std::to_string(p * 0.5),
                                      1'700'000'000'000 + p * 1000));
            }
            store->put_properties("product", "device" + std::to_string(d), std::move(values),
                                  nullptr);
        }
    }
    store->flush();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    constexpr int kTotal = kDevices * kPostsPerDevice * kValuesPerPost;
    std::printf("[ rate     ] %d property values in %.3f s: %.0f values/s\n", kTotal, took.count(),
                kTotal / took.count());
    EXPECT_EQ(count_rows(path, "SELECT count(*) FROM property_history"), kTotal);
    EXPECT_EQ(count_rows(path, "SELECT count(*) FROM property_series"), kDevices * kValuesPerPost);
    EXPECT_EQ(
        count_rows(path, "SELECT count(*) FROM property_series WHERE time_ms = " +
                             std::to_string(1'700'000'000'000 + (kPostsPerDevice - 1) * 1000)),
        kDevices * kValuesPerPost);
}

}  // namespace
}  // namespace ts::store
