#include "api/event_stream.hpp"

#include <utility>

namespace ts::api {

void EventStream::append_event(std::string_view event, std::string_view data) {
    pending_ += "event: ";
    pending_ += event;
    pending_ += '\n';
    // One data: line per line of `data` (a bare newline would end the event).
    std::size_t start = 0;
    for (;;) {
        std::size_t nl = data.find('\n', start);
        std::string_view line = data.substr(start, nl == std::string_view::npos ? nl : nl - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        pending_ += "data: ";
        pending_ += line;
        pending_ += '\n';
        if (nl == std::string_view::npos) break;
        start = nl + 1;
    }
    pending_ += '\n';
}

void EventStream::push(std::string_view event, std::string_view data) {
    {
        std::lock_guard lock(mutex_);
        if (closed_ || cancelled_) return;
        if (pending_.size() + data.size() + event.size() + 32 > byte_limit_) {
            ++dropped_;
            ++dropped_total_;
            return;
        }
        if (dropped_ > 0) {
            append_event("overflow", "{\"dropped\":" + std::to_string(dropped_) + "}");
            dropped_ = 0;
        }
        append_event(event, data);
        // Under the lock: once cancel() returns no producer touches the
        // session's executor (which may be gone after the server stops).
        // The waker only posts, so it cannot call back into this stream.
        if (wake_armed_ && waker_) {
            wake_armed_ = false;
            waker_();
        }
    }
}

void EventStream::close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    if (waker_) waker_();
}

void EventStream::set_waker(std::function<void()> waker) {
    std::lock_guard lock(mutex_);
    waker_ = std::move(waker);
}

EventStream::Taken EventStream::take() {
    std::lock_guard lock(mutex_);
    Taken taken;
    std::string& out = taken.bytes;
    out.swap(pending_);
    // Report drops even when nothing new arrived after them.
    if (out.empty() && dropped_ > 0) {
        append_event("overflow", "{\"dropped\":" + std::to_string(dropped_) + "}");
        dropped_ = 0;
        out.swap(pending_);
    }
    wake_armed_ = out.empty();
    taken.closed = closed_;
    return taken;
}

bool EventStream::closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

void EventStream::cancel() {
    std::function<void()> hook;
    {
        std::lock_guard lock(mutex_);
        if (cancelled_) return;
        cancelled_ = true;
        hook = std::move(cancel_hook_);
        cancel_hook_ = nullptr;
        waker_ = nullptr;
        pending_.clear();
    }
    if (hook) hook();
}

void EventStream::on_cancel(std::function<void()> hook) {
    bool run_now = false;
    {
        std::lock_guard lock(mutex_);
        if (cancelled_)
            run_now = true;
        else
            cancel_hook_ = std::move(hook);
    }
    if (run_now && hook) hook();
}

std::size_t EventStream::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_total_;
}

}  // namespace ts::api
