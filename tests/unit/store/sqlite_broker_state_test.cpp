#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "store/broker_state.hpp"
#include "store/broker_state_schema.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_db.hpp"
#include "temp_dir.hpp"

namespace ts::store {
namespace {

using namespace std::string_literals;
using namespace std::chrono_literals;
using test::TempDir;

std::unique_ptr<BrokerStateStore> open_ok(const std::string& path,
                                          const SqliteBrokerStateOptions& options = {}) {
    auto s = open_sqlite_broker_state(path, options);
    EXPECT_TRUE(s.has_value()) << s.error().message;
    return s ? std::move(s).value() : nullptr;
}

BrokerSnapshot load_ok(BrokerStateStore& store) {
    auto snap = store.load();
    EXPECT_TRUE(snap.has_value()) << snap.error().message;
    return snap ? std::move(snap).value() : BrokerSnapshot{};
}

BrokerSnapshot reopen_and_load(const std::string& path) {
    auto store = open_ok(path);
    return store ? load_ok(*store) : BrokerSnapshot{};
}

sqlite::Database open_db(const std::string& path) {
    auto db = sqlite::Database::open(path);
    EXPECT_TRUE(db.has_value()) << db.error().message;
    return std::move(db).value();
}

// Records compare field by field through tuples, so a failure names the
// record type and gtest prints both sides.
auto fields(const RetainedRecord& r) {
    return std::tie(r.topic, r.payload, r.qos, r.properties, r.expiry_wall_ms);
}
auto fields(const SessionRecord& s) {
    return std::tie(s.client_id, s.expiry_interval_s, s.disconnected_wall_ms, s.protocol_version);
}
auto fields(const SubscriptionRecord& s) {
    return std::tie(s.client_id, s.filter, s.options, s.subscription_id);
}
auto fields(const QueuedMessageRecord& m) {
    return std::tie(m.client_id, m.seq, m.topic, m.payload, m.qos, m.retain, m.properties,
                    m.expiry_wall_ms, m.packet_id, m.pubrel_pending);
}
template <class T>
void expect_same(const std::vector<T>& actual, const std::vector<T>& expected) {
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i) {
        EXPECT_TRUE(fields(actual[i]) == fields(expected[i])) << "record " << i;
    }
}

QueuedMessageRecord message(std::string client, std::uint64_t seq, std::string payload = "p") {
    return QueuedMessageRecord{
        .client_id = std::move(client), .seq = seq, .topic = "t", .payload = std::move(payload)};
}

TEST(SqliteBrokerState, FreshStoreIsEmptyAndRecordsItsSchemaVersion) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    {
        auto store = open_ok(path);
        ASSERT_TRUE(store);
        auto snap = load_ok(*store);
        EXPECT_TRUE(snap.retained.empty());
        EXPECT_TRUE(snap.sessions.empty());
        EXPECT_TRUE(snap.subscriptions.empty());
        EXPECT_TRUE(snap.messages.empty());
    }
    auto db = open_db(path);
    EXPECT_EQ(*schema_version(db, kBrokerStateComponent), 1);
    EXPECT_EQ(*db.query_int64("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                              "('broker_retained', 'broker_sessions', 'broker_subscriptions', "
                              "'broker_messages', 'schema_migrations')"),
              5);
}

TEST(SqliteBrokerState, ReopeningAppliesMigrationsOnce) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    for (int i = 0; i < 3; ++i) {
        auto store = open_ok(path);
        ASSERT_TRUE(store);
        store->put_retained(RetainedRecord{.topic = "t" + std::to_string(i), .payload = "x"});
    }
    auto snap = reopen_and_load(path);
    EXPECT_EQ(snap.retained.size(), 3u);
    auto db = open_db(path);
    EXPECT_EQ(*db.query_int64("SELECT count(*) FROM schema_migrations"),
              static_cast<std::int64_t>(broker_state_migrations().size()));
}

TEST(SqliteBrokerState, EveryRecordTypeSurvivesReopen) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    const std::vector<RetainedRecord> retained = {
        {.topic = "a/b", .payload = "on", .qos = 1, .properties = "\x01\x02", .expiry_wall_ms = 0},
        {.topic = "z",
         .payload = "",
         .qos = 2,
         .properties = "",
         .expiry_wall_ms = 1'700'000'000'123},
    };
    const std::vector<SessionRecord> sessions = {
        {.client_id = "dev-1",
         .expiry_interval_s = 0xFFFFFFFF,
         .disconnected_wall_ms = 0,
         .protocol_version = 5},
        {.client_id = "dev-2",
         .expiry_interval_s = 60,
         .disconnected_wall_ms = 1'700'000'000'999,
         .protocol_version = 4},
    };
    const std::vector<SubscriptionRecord> subscriptions = {
        {.client_id = "dev-1",
         .filter = "$share/g/x/+",
         .options = 0x2E,
         .subscription_id = 268'435'455},
        {.client_id = "dev-1", .filter = "y/#", .options = 1, .subscription_id = 0},
    };
    const std::vector<QueuedMessageRecord> messages = {
        {.client_id = "dev-1",
         .seq = 7,
         .topic = "x/1",
         .payload = "hello",
         .qos = 1,
         .retain = true,
         .properties = "props",
         .expiry_wall_ms = -1,
         .packet_id = 65535,
         .pubrel_pending = false},
        {.client_id = "dev-1",
         .seq = (1ull << 40),
         .topic = "x/2",
         .payload = "bye",
         .qos = 2,
         .retain = false,
         .properties = "",
         .expiry_wall_ms = 5,
         .packet_id = 1,
         .pubrel_pending = true},
    };
    {
        auto store = open_ok(path);
        ASSERT_TRUE(store);
        for (const auto& r : retained) store->put_retained(r);
        for (const auto& s : sessions) store->put_session(s);
        for (const auto& s : subscriptions) store->put_subscription(s);
        for (const auto& m : messages) store->put_message(m);
    }  // the destructor flushes
    auto snap = reopen_and_load(path);
    expect_same(snap.retained, retained);
    expect_same(snap.sessions, sessions);
    expect_same(snap.subscriptions, subscriptions);
    expect_same(snap.messages, messages);
}

TEST(SqliteBrokerState, PutsReplaceTheRowWithTheSameKey) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    {
        auto store = open_ok(path);
        ASSERT_TRUE(store);
        store->put_retained({.topic = "t", .payload = "old", .qos = 0});
        store->put_session({.client_id = "c", .expiry_interval_s = 1});
        store->put_subscription({.client_id = "c", .filter = "f", .options = 1});
        store->put_message(message("c", 1, "old"));
        store->flush();  // the replacements below hit committed rows, not the same batch
        store->put_retained({.topic = "t", .payload = "new", .qos = 1});
        store->put_session({.client_id = "c", .expiry_interval_s = 2});
        store->put_subscription({.client_id = "c", .filter = "f", .options = 2});
        store->put_message(message("c", 1, "new"));
    }
    auto snap = reopen_and_load(path);
    ASSERT_EQ(snap.retained.size(), 1u);
    EXPECT_EQ(snap.retained[0].payload, "new");
    EXPECT_EQ(snap.retained[0].qos, 1);
    ASSERT_EQ(snap.sessions.size(), 1u);
    EXPECT_EQ(snap.sessions[0].expiry_interval_s, 2u);
    ASSERT_EQ(snap.subscriptions.size(), 1u);
    EXPECT_EQ(snap.subscriptions[0].options, 2);
    ASSERT_EQ(snap.messages.size(), 1u);
    EXPECT_EQ(snap.messages[0].payload, "new");
}

TEST(SqliteBrokerState, SingleDeletesRemoveOnlyTheirRow) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    {
        auto store = open_ok(path);
        ASSERT_TRUE(store);
        store->put_retained({.topic = "keep"});
        store->put_retained({.topic = "gone"});
        store->put_subscription({.client_id = "c", .filter = "keep"});
        store->put_subscription({.client_id = "c", .filter = "gone"});
        store->put_message(message("c", 1));
        store->put_message(message("c", 2));
        store->flush();
        store->delete_retained("gone");
        store->delete_subscription("c", "gone");
        store->delete_message("c", 1);
        store->delete_retained("never existed");
    }
    auto snap = reopen_and_load(path);
    ASSERT_EQ(snap.retained.size(), 1u);
    EXPECT_EQ(snap.retained[0].topic, "keep");
    ASSERT_EQ(snap.subscriptions.size(), 1u);
    EXPECT_EQ(snap.subscriptions[0].filter, "keep");
    ASSERT_EQ(snap.messages.size(), 1u);
    EXPECT_EQ(snap.messages[0].seq, 2u);
}

TEST(SqliteBrokerState, DeleteSessionRemovesItsSubscriptionsAndMessages) {
    for (bool flush_between : {true, false}) {
        SCOPED_TRACE(flush_between ? "committed rows" : "same batch");
        TempDir dir;
        const auto path = dir.file("broker.db");
        {
            auto store = open_ok(path);
            ASSERT_TRUE(store);
            for (std::string c : {"a", "b"}) {
                store->put_session({.client_id = c});
                store->put_subscription({.client_id = c, .filter = "x/#"});
                store->put_subscription({.client_id = c, .filter = "y"});
                store->put_message(message(c, 1));
                store->put_message(message(c, 2));
            }
            store->put_retained({.topic = "a", .payload = "retained rows are not session rows"});
            if (flush_between) store->flush();
            store->delete_session("a");
        }
        auto snap = reopen_and_load(path);
        ASSERT_EQ(snap.sessions.size(), 1u);
        EXPECT_EQ(snap.sessions[0].client_id, "b");
        ASSERT_EQ(snap.subscriptions.size(), 2u);
        for (const auto& s : snap.subscriptions) EXPECT_EQ(s.client_id, "b");
        ASSERT_EQ(snap.messages.size(), 2u);
        for (const auto& m : snap.messages) EXPECT_EQ(m.client_id, "b");
        EXPECT_EQ(snap.retained.size(), 1u);
    }
}

TEST(SqliteBrokerState, ASessionCanBeRecreatedAfterItsDeletion) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    {
        auto store = open_ok(path);
        ASSERT_TRUE(store);
        store->put_session({.client_id = "c", .expiry_interval_s = 1});
        store->put_message(message("c", 1, "old"));
        store->delete_session("c");
        store->put_session({.client_id = "c", .expiry_interval_s = 2});
        store->put_message(message("c", 2, "new"));
    }
    auto snap = reopen_and_load(path);
    ASSERT_EQ(snap.sessions.size(), 1u);
    EXPECT_EQ(snap.sessions[0].expiry_interval_s, 2u);
    ASSERT_EQ(snap.messages.size(), 1u);
    EXPECT_EQ(snap.messages[0].payload, "new");
}

// Random put/delete sequences over a few keys, with flushes at random points
// so that batch boundaries fall everywhere; the store must end in the same
// state as a model that applies the calls in order.
TEST(SqliteBrokerState, InterleavedWritesToTheSameKeysApplyInOrder) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    std::mt19937 rng(12345);
    std::map<std::string, std::string> retained_model;
    std::map<std::pair<std::string, std::uint64_t>, std::string> message_model;
    std::map<std::string, std::uint32_t> session_model;
    const std::vector<std::string> clients = {"c0", "c1", "c2"};
    {
        auto store = open_ok(path);
        ASSERT_TRUE(store);
        for (int i = 0; i < 20'000; ++i) {
            const std::string value = std::to_string(i);
            const std::string& client = clients[rng() % clients.size()];
            const std::uint64_t seq = rng() % 4;
            const std::string topic = "t" + std::to_string(rng() % 4);
            switch (rng() % 8) {
                case 0:
                case 1:
                    store->put_retained({.topic = topic, .payload = value});
                    retained_model[topic] = value;
                    break;
                case 2:
                    store->delete_retained(topic);
                    retained_model.erase(topic);
                    break;
                case 3:
                case 4:
                    store->put_message(message(client, seq, value));
                    message_model[{client, seq}] = value;
                    break;
                case 5:
                    store->delete_message(client, seq);
                    message_model.erase({client, seq});
                    break;
                case 6:
                    store->put_session(
                        {.client_id = client, .expiry_interval_s = static_cast<std::uint32_t>(i)});
                    session_model[client] = static_cast<std::uint32_t>(i);
                    break;
                case 7:
                    if (rng() % 8 == 0) {
                        store->delete_session(client);
                        session_model.erase(client);
                        std::erase_if(message_model,
                                      [&](const auto& kv) { return kv.first.first == client; });
                    }
                    break;
            }
            if (rng() % 500 == 0) store->flush();
        }
        const auto stats = store->stats();
        store->flush();
        const auto after = store->stats();
        EXPECT_EQ(after.committed_ops + after.coalesced_ops, after.queued_ops);
        EXPECT_EQ(after.write_errors, 0u);
        EXPECT_EQ(after.backlog_ops, 0u);
        EXPECT_GE(after.queued_ops, stats.queued_ops);
    }
    auto snap = reopen_and_load(path);
    std::map<std::string, std::string> retained;
    for (const auto& r : snap.retained) retained[r.topic] = r.payload;
    EXPECT_EQ(retained, retained_model);
    std::map<std::pair<std::string, std::uint64_t>, std::string> messages;
    for (const auto& m : snap.messages) messages[{m.client_id, m.seq}] = m.payload;
    EXPECT_EQ(messages, message_model);
    std::map<std::string, std::uint32_t> sessions;
    for (const auto& s : snap.sessions) sessions[s.client_id] = s.expiry_interval_s;
    EXPECT_EQ(sessions, session_model);
}

TEST(SqliteBrokerState, FlushMakesEarlierWritesVisibleToOtherConnections) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    store->flush();  // nothing queued: returns at once
    auto reader = open_db(path);
    for (int round = 1; round <= 20; ++round) {
        for (int i = 0; i < 50; ++i) {
            store->put_message(message("c", static_cast<std::uint64_t>(round * 100 + i)));
        }
        store->flush();
        EXPECT_EQ(*reader.query_int64("SELECT count(*) FROM broker_messages"), round * 50);
    }
}

TEST(SqliteBrokerState, LoadSeesWritesQueuedBeforeIt) {
    TempDir dir;
    auto store = open_ok(dir.file("broker.db"));
    ASSERT_TRUE(store);
    store->put_retained({.topic = "t", .payload = "v"});
    auto snap = load_ok(*store);
    ASSERT_EQ(snap.retained.size(), 1u);
    EXPECT_EQ(snap.retained[0].payload, "v");
}

TEST(SqliteBrokerState, ConcurrentWritersAndFlushersLoseNothing) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    constexpr int kThreads = 4;
    constexpr int kPerThread = 5'000;
    {
        auto store = open_ok(path);
        ASSERT_TRUE(store);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&store, t] {
                const std::string client = "client-" + std::to_string(t);
                for (int i = 0; i < kPerThread; ++i) {
                    store->put_message(message(client, static_cast<std::uint64_t>(i)));
                    if (i % 1000 == 999) store->flush();
                }
            });
        }
        for (auto& th : threads) th.join();
        store->flush();
        EXPECT_EQ(store->stats().committed_ops, static_cast<std::uint64_t>(kThreads * kPerThread));
    }
    auto snap = reopen_and_load(path);
    ASSERT_EQ(snap.messages.size(), static_cast<std::size_t>(kThreads * kPerThread));
    for (std::size_t i = 0; i < snap.messages.size(); ++i) {
        EXPECT_EQ(snap.messages[i].client_id, "client-" + std::to_string(i / kPerThread));
        EXPECT_EQ(snap.messages[i].seq, i % kPerThread);
    }
}

TEST(SqliteBrokerState, WriteHeavyLoadIsBatched) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    constexpr std::uint64_t kCount = 100'000;
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    for (std::uint64_t i = 0; i < kCount; ++i) {
        // Client ids sort differently from insertion order, so the load's
        // ordering is exercised too.
        store->put_message(message("c" + std::to_string(i % 7), i, "payload-" + std::to_string(i)));
    }
    store->flush();
    const auto stats = store->stats();
    EXPECT_EQ(stats.queued_ops, kCount);
    EXPECT_EQ(stats.committed_ops, kCount);
    EXPECT_EQ(stats.write_errors, 0u);
    // One transaction per put could not keep up; many puts share one.
    EXPECT_LT(stats.committed_batches, kCount);
    std::cout << "[          ] 100k puts committed in " << stats.committed_batches
              << " transactions\n";

    auto snap = load_ok(*store);
    ASSERT_EQ(snap.messages.size(), kCount);
    for (std::size_t i = 1; i < snap.messages.size(); ++i) {
        const auto& a = snap.messages[i - 1];
        const auto& b = snap.messages[i];
        ASSERT_TRUE(a.client_id < b.client_id || (a.client_id == b.client_id && a.seq < b.seq))
            << "at " << i;
    }
    EXPECT_EQ(snap.messages.front().client_id, "c0");
    EXPECT_EQ(snap.messages.front().payload, "payload-0");
}

TEST(SqliteBrokerState, BinaryPayloadsAndPropertiesArePreserved) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    std::string all_bytes;
    for (int b = 0; b < 256; ++b) all_bytes.push_back(static_cast<char>(b));
    const std::string nuls = "\0\0a\0"s;
    {
        auto store = open_ok(path);
        ASSERT_TRUE(store);
        store->put_retained({.topic = "bin", .payload = all_bytes, .properties = nuls});
        store->put_message(
            {.client_id = "c", .seq = 1, .topic = "bin", .payload = nuls, .properties = all_bytes});
        store->put_message({.client_id = "c", .seq = 2, .topic = "empty", .payload = ""});
    }
    auto snap = reopen_and_load(path);
    ASSERT_EQ(snap.retained.size(), 1u);
    EXPECT_EQ(snap.retained[0].payload, all_bytes);
    EXPECT_EQ(snap.retained[0].properties, nuls);
    ASSERT_EQ(snap.messages.size(), 2u);
    EXPECT_EQ(snap.messages[0].payload, nuls);
    EXPECT_EQ(snap.messages[0].properties, all_bytes);
    EXPECT_EQ(snap.messages[1].payload, "");
}

TEST(SqliteBrokerState, UnusablePathsAreErrorValues) {
    TempDir dir;
    {
        auto s = open_sqlite_broker_state(dir.file("missing/dir/broker.db"));
        ASSERT_FALSE(s);
        EXPECT_EQ(s.error().code, static_cast<int>(StoreErrc::open_failed)) << s.error().message;
    }
    {
        auto s = open_sqlite_broker_state(dir.path());  // a directory
        ASSERT_FALSE(s);
        EXPECT_FALSE(s.error().message.empty());
    }
    {
        {
            std::ofstream out(dir.file("junk.db"), std::ios::binary);
            out << std::string(8192, '\x5a');
        }
        auto s = open_sqlite_broker_state(dir.file("junk.db"));
        ASSERT_FALSE(s);
        EXPECT_EQ(s.error().code, static_cast<int>(StoreErrc::corrupt)) << s.error().message;
    }
}

TEST(SqliteBrokerState, RefusesASchemaFromANewerBuild) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    { ASSERT_TRUE(open_ok(path)); }
    {
        auto db = open_db(path);
        ASSERT_TRUE(db.exec("INSERT INTO schema_migrations VALUES ('broker_state', 99, 0)"));
    }
    auto s = open_sqlite_broker_state(path);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, static_cast<int>(StoreErrc::schema)) << s.error().message;
}

TEST(SqliteBrokerState, SharesItsFileWithOtherComponents) {
    TempDir dir;
    const auto path = dir.file("data.db");
    {
        auto db = open_db(path);
        const Migration other[] = {{1, "CREATE TABLE registry_devices (id TEXT PRIMARY KEY);"}};
        ASSERT_TRUE(apply_migrations(db, "registry", other));
    }
    {
        auto store = open_ok(path);
        ASSERT_TRUE(store);
        store->put_session({.client_id = "c"});
    }
    auto db = open_db(path);
    EXPECT_EQ(*schema_version(db, "registry"), 1);
    EXPECT_EQ(*schema_version(db, kBrokerStateComponent), 1);
    EXPECT_EQ(*db.query_int64("SELECT count(*) FROM broker_sessions"), 1);
}

// Another connection holds the write lock longer than the busy timeout: the
// writer's transactions fail, are logged and retried, and nothing is lost.
TEST(SqliteBrokerState, RetriesWhileTheDatabaseIsLocked) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    auto store = open_ok(path, {.busy_timeout_ms = 20});
    ASSERT_TRUE(store);
    auto locker = open_db(path);
    ASSERT_TRUE(locker.exec("BEGIN IMMEDIATE"));
    for (std::uint64_t i = 0; i < 100; ++i) store->put_message(message("c", i));
    // Wait until the writer has failed at least once against the lock.
    for (int i = 0; i < 500 && store->stats().write_errors == 0; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_GE(store->stats().write_errors, 1u);
    EXPECT_EQ(store->stats().committed_ops, 0u);
    EXPECT_TRUE(store->stats().last_write_failed);  // what /readyz reports
    ASSERT_TRUE(locker.exec("COMMIT"));
    store->flush();
    const auto stats = store->stats();
    EXPECT_FALSE(stats.last_write_failed);
    EXPECT_EQ(stats.committed_ops, 100u);
    EXPECT_EQ(stats.dropped_ops, 0u);
    EXPECT_EQ(load_ok(*store).messages.size(), 100u);
}

// With the lock never released, closing gives up after a few attempts
// instead of hanging.
TEST(SqliteBrokerState, ClosingGivesUpOnAPermanentlyLockedDatabase) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    auto locker = open_db(path);
    {
        auto store = open_ok(path, {.busy_timeout_ms = 10});
        ASSERT_TRUE(store);
        ASSERT_TRUE(locker.exec("BEGIN IMMEDIATE"));
        store->put_retained({.topic = "lost"});
    }
    ASSERT_TRUE(locker.exec("COMMIT"));
    EXPECT_EQ(*locker.query_int64("SELECT count(*) FROM broker_retained"), 0);
}

// Shutdown with a drain deadline: a write that keeps failing is given up
// once the deadline has passed, so flush() returns although the database
// stays locked (a full disk behaves the same: the failure may pass, so the
// writer would retry it for ever).
TEST(SqliteBrokerState, FlushReturnsOnceTheDrainDeadlineHasPassed) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    auto store = open_ok(path, {.busy_timeout_ms = 10});
    ASSERT_TRUE(store);
    auto locker = open_db(path);
    ASSERT_TRUE(locker.exec("BEGIN IMMEDIATE"));
    store->put_retained({.topic = "kept-out"});
    store->put_retained({.topic = "kept-out-too"});
    for (int i = 0; i < 500 && store->stats().write_errors == 0; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_GE(store->stats().write_errors, 1u);

    store->set_drain_deadline(std::chrono::steady_clock::now());
    auto flushed = std::async(std::launch::async, [&] { store->flush(); });
    // A hang guard only: without the deadline flush() never returns while
    // the lock is held.
    const bool returned = flushed.wait_for(60s) == std::future_status::ready;
    ASSERT_TRUE(locker.exec("COMMIT"));
    flushed.wait();
    EXPECT_TRUE(returned) << "flush() waited for the lock despite the drain deadline";
    EXPECT_EQ(store->stats().dropped_ops, 2u);
    EXPECT_EQ(*locker.query_int64("SELECT count(*) FROM broker_retained"), 0);
}

// A write SQLite refuses for good (here: a trigger that raises) is dropped
// alone; the rest of its batch commits.
TEST(SqliteBrokerState, ARejectedWriteIsDroppedAlone) {
    TempDir dir;
    const auto path = dir.file("broker.db");
    { ASSERT_TRUE(open_ok(path)); }
    {
        auto db = open_db(path);
        ASSERT_TRUE(
            db.exec("CREATE TRIGGER reject_bad BEFORE INSERT ON broker_retained "
                    "WHEN NEW.topic = 'bad' BEGIN SELECT RAISE(ABORT, 'rejected'); END"));
    }
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    store->put_retained({.topic = "before"});
    store->put_retained({.topic = "bad"});
    store->put_retained({.topic = "after"});
    store->flush();
    const auto stats = store->stats();
    EXPECT_EQ(stats.dropped_ops, 1u);
    EXPECT_GE(stats.write_errors, 1u);
    auto snap = load_ok(*store);
    ASSERT_EQ(snap.retained.size(), 2u);
    EXPECT_EQ(snap.retained[0].topic, "after");
    EXPECT_EQ(snap.retained[1].topic, "before");
}

TEST(NullBrokerState, KeepsNothing) {
    auto store = make_null_broker_state();
    store->put_retained({.topic = "t"});
    store->put_session({.client_id = "c"});
    store->put_subscription({.client_id = "c", .filter = "f"});
    store->put_message(message("c", 1));
    store->delete_message("c", 1);
    store->delete_subscription("c", "f");
    store->delete_session("c");
    store->delete_retained("t");
    store->flush();
    auto snap = store->load();
    ASSERT_TRUE(snap);
    EXPECT_TRUE(snap->retained.empty());
    EXPECT_TRUE(snap->sessions.empty());
    EXPECT_TRUE(snap->subscriptions.empty());
    EXPECT_TRUE(snap->messages.empty());
}

}  // namespace
}  // namespace ts::store
