#pragma once
// A visitor made of lambdas, one per alternative of a std::variant:
//   std::visit(Overloaded{[](const A&) {...}, [](const B&) {...}}, v);
namespace ts {

template <class... Fs>
struct Overloaded : Fs... {
    using Fs::operator()...;
};
// Spelled out for compilers without C++20's deduction for aggregates (clang 14).
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace ts
