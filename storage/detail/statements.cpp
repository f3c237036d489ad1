// Prepared statements by name, so each distinct SQL text is planned once per connection; LIKE escaping.
#include "storage/detail/statements.hpp"

#include <mutex>
#include <unordered_map>

namespace storage::detail {

std::string statement_name(std::string const& sql) {
    constexpr std::size_t most_statements = 1000;
    static std::mutex mutex;
    static std::unordered_map<std::string, std::string> names;
    std::lock_guard lock(mutex);
    if (auto it = names.find(sql); it != names.end()) return it->second;
    if (names.size() >= most_statements) return {};
    auto name = "scimd_" + std::to_string(names.size() + 1);
    names.emplace(sql, name);
    return name;
}

std::string escape_like(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

}  // namespace storage::detail
