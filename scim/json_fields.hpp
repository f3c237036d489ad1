// Reading optional members of JSON objects as SCIM documents hold them, without throwing.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace scim {

/// The member `key` when it is a string, else "".
inline std::string text_at(boost::json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

/// The member `key` when it is an object, else an empty one.
inline boost::json::object const& object_at(boost::json::object const& o, std::string_view key) {
    static boost::json::object const empty;
    auto const* v = o.if_contains(key);
    return v && v->is_object() ? v->get_object() : empty;
}

}  // namespace scim
