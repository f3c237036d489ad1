// Shared row decoding.
#include "storage/detail/rows.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

namespace storage::detail {

std::string json_text_array(std::vector<std::string> const& items) {
    boost::json::array a;
    for (auto const& s : items) a.emplace_back(s);
    return boost::json::serialize(a);
}

StoredResource resource_from(pqxx::row const& row) {
    auto data = boost::json::parse(row[1].c_str());
    return {row[0].as<std::string>(), std::move(data.as_object()), row[2].as<std::int64_t>(),
            row[3].as<std::string>(), row[4].as<std::string>(),    std::nullopt};
}

std::vector<std::string> strings_of_json_array(char const* text) {
    std::vector<std::string> out;
    auto const value = boost::json::parse(text);
    if (!value.is_array()) return out;
    for (auto const& v : value.get_array())
        if (v.is_string()) out.emplace_back(v.get_string());
    return out;
}

}  // namespace storage::detail
