#pragma once
// A server-sent event stream (text/event-stream) between producers on any
// thread (the broker's routing threads) and the HTTP session that writes it.
// Producers never wait: events are formatted into a pending buffer bounded in
// bytes; when a slow client lets it fill, further events are dropped and
// counted, and an `overflow` event tells the client to refetch what it shows.
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace ts::api {

class EventStream {
public:
    explicit EventStream(std::size_t byte_limit = 1024 * 1024) : byte_limit_(byte_limit) {}
    ~EventStream() { cancel(); }
    EventStream(const EventStream&) = delete;
    EventStream& operator=(const EventStream&) = delete;

    // Any thread. `data` may hold newlines (each line becomes a data: line).
    void push(std::string_view event, std::string_view data);
    // Producer side: no more events; the stream ends after the pending ones.
    void close();

    // Session side. `waker` is called (on a producer's thread, under the
    // stream's lock) when data arrives after take() found none; it must only
    // schedule the session, never call back into the stream.
    void set_waker(std::function<void()> waker);
    // Everything pending, as bytes to write ("" when none), and whether the
    // stream was closed (then nothing follows these bytes).
    struct Taken {
        std::string bytes;
        bool closed = false;
    };
    Taken take();
    bool closed() const;
    // The client went away: runs the cancel hook once (which unsubscribes
    // the producers); later pushes are ignored.
    void cancel();
    // Handler side: what cancel() runs (at most once, never under the lock).
    void on_cancel(std::function<void()> hook);

    std::size_t dropped() const;

private:
    void append_event(std::string_view event, std::string_view data);

    const std::size_t byte_limit_;
    mutable std::mutex mutex_;
    std::string pending_;
    std::size_t dropped_ = 0;  // since the last overflow event was queued
    std::size_t dropped_total_ = 0;
    bool closed_ = false;
    bool cancelled_ = false;
    bool wake_armed_ = true;  // take() found nothing: the next push wakes the session
    std::function<void()> waker_;
    std::function<void()> cancel_hook_;
};

}  // namespace ts::api
