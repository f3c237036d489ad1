// The directory extension's fields on a user, E.164 and digit checks, and invented usernames.
#include "scim/directory_user.hpp"

#include <algorithm>
#include <unordered_set>

#include "scim/text.hpp"
#include "scim/urns.hpp"

namespace scim {
namespace {

namespace json = boost::json;

std::optional<std::string> string_member(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
}

std::vector<std::string> distinct_strings(json::object const& o, std::string_view key) {
    std::vector<std::string> out;
    auto const* v = o.if_contains(key);
    if (!v || !v->is_array()) return out;
    std::unordered_set<std::string> seen;
    for (auto const& item : v->get_array()) {
        if (!item.is_string()) continue;
        std::string s(item.get_string());
        if (seen.insert(s).second) out.push_back(std::move(s));
    }
    return out;
}

json::array string_array(std::vector<std::string> const& items) {
    json::array out;
    for (auto const& s : items) out.emplace_back(s);
    return out;
}

}  // namespace

DirectoryFields read_directory_fields(json::object const& attributes) {
    DirectoryFields out;
    auto const* ext = attributes.if_contains(urn::directory_user);
    if (!ext || !ext->is_object()) return out;
    auto const& o = ext->get_object();
    out.site = string_member(o, "site");
    out.licenses = distinct_strings(o, "licenses");
    out.extension = string_member(o, "extensionNumber");
    out.did_numbers = distinct_strings(o, "didNumbers");
    out.directory_scope = string_member(o, "directoryScope");
    if (auto const* v = o.if_contains("displayInDirectory"); v && v->is_bool())
        out.display_in_directory = v->get_bool();
    return out;
}

void write_directory_fields(json::object& attributes, DirectoryFields const& fields, std::string const& fq_extension) {
    json::object ext;
    if (fields.site) ext["site"] = *fields.site;
    if (!fields.licenses.empty()) ext["licenses"] = string_array(fields.licenses);
    if (fields.extension) ext["extensionNumber"] = *fields.extension;
    if (!fq_extension.empty()) ext["fqExtensionNumber"] = fq_extension;
    if (!fields.did_numbers.empty()) ext["didNumbers"] = string_array(fields.did_numbers);
    if (fields.directory_scope) ext["directoryScope"] = *fields.directory_scope;
    if (fields.display_in_directory) ext["displayInDirectory"] = *fields.display_in_directory;
    ext["profileType"] = fields.licenses.empty() ? "contact" : "user";
    attributes[urn::directory_user] = std::move(ext);
}

bool shown_in_directory(DirectoryFields const& person, std::string_view viewer_site) {
    if (person.display_in_directory != true) return false;
    if (!person.directory_scope || !iequals(*person.directory_scope, "SITE")) return true;
    return person.site && iequals(*person.site, viewer_site);
}

bool is_digits(std::string_view text) noexcept {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_e164(std::string_view number) noexcept {
    return number.size() >= 8 && number.size() <= 16 && number[0] == '+' && number[1] != '0' &&
           is_digits(number.substr(1));
}

UserNameInventor::UserNameInventor(std::string_view company) : company_(user_name_part(company)) {}

std::string UserNameInventor::stem(std::string_view first, std::string_view last) const {
    return company_ + "." + user_name_part(first) + "." + user_name_part(last);
}

void UserNameInventor::take(std::string_view name) { taken_.insert(to_lower(name)); }

std::string UserNameInventor::invent(std::string_view first, std::string_view last) {
    auto const base = stem(first, last);
    auto const key = to_lower(base);
    if (taken_.insert(key).second) return base;
    auto& n = next_.try_emplace(key, 2).first->second;
    for (;; ++n) {
        auto candidate = base + "." + std::to_string(n);
        if (taken_.insert(to_lower(candidate)).second) {
            ++n;
            return candidate;
        }
    }
}

std::string user_name_part(std::string_view text) {
    std::string out;
    for (char c : text)
        if (c != ' ' && c != '\t' && c != '.' && c != '\r' && c != '\n') out += c;
    return out;
}

}  // namespace scim
