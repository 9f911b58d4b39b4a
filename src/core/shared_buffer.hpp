#pragma once
// An immutable, reference-counted byte string in one allocation. Payloads are
// decoded into one of these once and then shared by every subscriber's
// outgoing queue on fan-out, so delivery never copies payload bytes.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <span>
#include <string_view>
#include <utility>

namespace ts {

class SharedBuffer {
public:
    SharedBuffer() = default;
    static SharedBuffer copy_of(const void* data, std::size_t size) {
        SharedBuffer b;
        if (size == 0) return b;
        void* mem = ::operator new(sizeof(Header) + size);
        b.h_ = new (mem) Header{{1}, size};
        std::memcpy(reinterpret_cast<unsigned char*>(mem) + sizeof(Header), data, size);
        return b;
    }
    static SharedBuffer copy_of(std::string_view s) { return copy_of(s.data(), s.size()); }

    SharedBuffer(const SharedBuffer& o) : h_(o.h_) {
        if (h_) h_->refs.fetch_add(1, std::memory_order_relaxed);
    }
    SharedBuffer(SharedBuffer&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
    SharedBuffer& operator=(SharedBuffer o) noexcept {
        std::swap(h_, o.h_);
        return *this;
    }
    ~SharedBuffer() {
        if (h_ && h_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            h_->~Header();
            ::operator delete(h_);
        }
    }

    const std::uint8_t* data() const {
        return h_ ? reinterpret_cast<const std::uint8_t*>(h_ + 1) : nullptr;
    }
    std::size_t size() const { return h_ ? h_->size : 0; }
    bool empty() const { return size() == 0; }
    std::span<const std::uint8_t> span() const { return {data(), size()}; }
    std::string_view view() const { return {reinterpret_cast<const char*>(data()), size()}; }
    friend bool operator==(const SharedBuffer& a, const SharedBuffer& b) {
        return a.view() == b.view();
    }

private:
    struct alignas(16) Header {
        std::atomic<std::uint32_t> refs;
        std::size_t size;
    };
    Header* h_ = nullptr;
};

}  // namespace ts
