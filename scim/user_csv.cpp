// The admin console's user CSV: columns to SCIM create bodies, and stored users to export lines.
#include "scim/user_csv.hpp"

#include <array>
#include <optional>

#include "scim/csv.hpp"
#include "scim/json_fields.hpp"
#include "scim/mac_address.hpp"
#include "scim/text.hpp"
#include "scim/urns.hpp"

namespace scim {
namespace {

namespace json = boost::json;

enum Column {
    first_name,
    last_name,
    email,
    site,
    user_name,
    title,
    department,
    mobile,
    license,
    extension,
    voice,
    device_mac,
    device_model,
    count
};

constexpr std::array<std::string_view, count> names{
    "User.FirstName",    "User.LastName",     "User.Email",        "User.Site",    "User.UserName",
    "User.Title",        "User.Department",   "User.MobileNumber", "User.License", "User.ExtensionNumber",
    "User.Voice.Number", "Device.MacAddress", "Device.Model"};

std::vector<std::string> split_list(std::string const& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto const end = std::min(text.find(';', start), text.size());
        auto item = text.substr(start, end - start);
        while (!item.empty() && item.front() == ' ') item.erase(0, 1);
        while (!item.empty() && item.back() == ' ') item.pop_back();
        if (!item.empty()) out.push_back(std::move(item));
        start = end + 1;
    }
    return out;
}

json::array string_array(std::vector<std::string> const& items) {
    json::array out;
    for (auto const& s : items) out.emplace_back(s);
    return out;
}

std::string join(json::value const* list) {
    std::string out;
    if (!list || !list->is_array()) return out;
    for (auto const& v : list->get_array())
        if (v.is_string()) out += (out.empty() ? "" : ";") + std::string(v.get_string());
    return out;
}

// The value of the entry of a multi-valued attribute with that type, else the primary one, else the first.
std::string pick(json::object const& attributes, std::string_view attribute, std::string_view type) {
    auto const* v = attributes.if_contains(attribute);
    if (!v || !v->is_array() || v->get_array().empty()) return {};
    json::object const* chosen = nullptr;
    for (auto const& item : v->get_array()) {
        if (!item.is_object()) continue;
        auto const& o = item.get_object();
        if (!type.empty() && iequals(text_at(o, "type"), type)) return text_at(o, "value");
        if (!chosen || (o.if_contains("primary") && o.at("primary") == true)) chosen = &o;
    }
    return chosen && type.empty() ? text_at(*chosen, "value") : std::string();
}

}  // namespace

std::vector<std::string_view> const& user_csv_columns() {
    static std::vector<std::string_view> const columns(names.begin(), names.end());
    return columns;
}

CsvUsers read_user_csv(std::string_view text, UnknownAttributes unknown) {
    CsvUsers out;
    auto const records = parse_csv(text);
    if (records.empty()) {
        out.problems.push_back({1, "the file is empty; the first line names the columns, e.g. " +
                                       std::string(names[0]) + "," + std::string(names[1]) + "," +
                                       std::string(names[2]) + "," + std::string(names[3])});
        return out;
    }
    auto const& header = records.front();
    std::array<std::optional<std::size_t>, count> at{};
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        auto const& name = header.fields[i];
        std::size_t c = 0;
        while (c < count && !iequals(names[c], name)) ++c;
        if (c == count) {
            if (unknown == UnknownAttributes::ignore)
                out.ignored.add(name);
            else
                out.problems.push_back({header.line, "unknown column \"" + name + "\""});
        } else if (at[c]) {
            out.problems.push_back({header.line, "column \"" + std::string(names[c]) + "\" appears twice"});
        } else {
            at[c] = i;
        }
    }
    for (auto c : {first_name, last_name, email, site})
        if (!at[c])
            out.problems.push_back({header.line, "the required column \"" + std::string(names[c]) + "\" is missing"});
    if (!out.problems.empty()) return out;

    for (std::size_t r = 1; r < records.size(); ++r) {
        auto const& record = records[r];
        auto const get = [&](Column c) -> std::string {
            if (!at[c] || *at[c] >= record.fields.size()) return {};
            auto v = std::string(without_formula_guard(record.fields[*at[c]]));
            while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
            while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(0, 1);
            return v;
        };
        if (record.fields.size() > header.fields.size()) {
            out.problems.push_back({record.line, "the line has " + std::to_string(record.fields.size()) +
                                                     " fields; the header names " +
                                                     std::to_string(header.fields.size())});
            continue;
        }
        std::string missing;
        for (auto c : {first_name, last_name, email, site})
            if (get(c).empty()) missing += (missing.empty() ? "" : ", ") + std::string(names[c]);
        if (!missing.empty()) {
            out.problems.push_back({record.line, "required value missing: " + missing});
            continue;
        }
        CsvUserRow row;
        row.line = record.line;
        row.first_name = get(first_name);
        row.last_name = get(last_name);
        json::object body;
        json::array schemas{json::string(urn::user), json::string(urn::directory_user)};
        if (!get(user_name).empty())
            body["userName"] = get(user_name);
        else
            row.needs_user_name = true;
        body["name"] = json::object{{"givenName", row.first_name}, {"familyName", row.last_name}};
        body["displayName"] = row.first_name + " " + row.last_name;
        body["emails"] = json::array{json::object{{"value", get(email)}, {"type", "work"}, {"primary", true}}};
        if (!get(title).empty()) body["title"] = get(title);
        if (!get(mobile).empty())
            body["phoneNumbers"] = json::array{json::object{{"value", get(mobile)}, {"type", "mobile"}}};
        if (!get(department).empty()) {
            schemas.emplace_back(urn::enterprise_user);
            body[urn::enterprise_user] = json::object{{"department", get(department)}};
        }
        json::object directory{{"site", get(site)}};
        if (auto const l = split_list(get(license)); !l.empty()) directory["licenses"] = string_array(l);
        if (!get(extension).empty()) directory["extensionNumber"] = get(extension);
        if (auto const n = split_list(get(voice)); !n.empty()) directory["didNumbers"] = string_array(n);
        body[urn::directory_user] = std::move(directory);
        body["schemas"] = std::move(schemas);
        row.body = std::move(body);
        // The user's desk phones: MAC addresses, and their models in the same order.
        auto const macs = split_list(get(device_mac));
        auto const models = split_list(get(device_model));
        if (models.size() > macs.size()) {
            out.problems.push_back({record.line, "Device.Model names " + std::to_string(models.size()) +
                                                     " model(s) for " + std::to_string(macs.size()) +
                                                     " Device.MacAddress value(s)"});
            continue;
        }
        bool bad = false;
        for (std::size_t i = 0; i < macs.size(); ++i) {
            auto const mac = canonical_mac_address(macs[i]);
            if (!mac) {
                out.problems.push_back({record.line, "Device.MacAddress \"" + macs[i] +
                                                         "\" is not a MAC address (write it as 2C:54:91:88:C9:E2)"});
                bad = true;
                continue;
            }
            row.devices.push_back({*mac, i < models.size() ? models[i] : std::string()});
        }
        if (bad) continue;
        out.rows.push_back(std::move(row));
    }
    return out;
}

std::string user_csv_header() {
    std::string out;
    for (auto const& n : names) out += (out.empty() ? "" : ",") + std::string(n);
    return out + "\r\n";
}

std::string user_csv_line(json::object const& attributes) {
    std::array<std::string, count> v;
    if (auto const* name = attributes.if_contains("name"); name && name->is_object()) {
        v[first_name] = text_at(name->get_object(), "givenName");
        v[last_name] = text_at(name->get_object(), "familyName");
    }
    v[email] = pick(attributes, "emails", "work");
    if (v[email].empty()) v[email] = pick(attributes, "emails", "");
    v[user_name] = text_at(attributes, "userName");
    v[title] = text_at(attributes, "title");
    v[mobile] = pick(attributes, "phoneNumbers", "mobile");
    if (auto const* e = attributes.if_contains(urn::enterprise_user); e && e->is_object())
        v[department] = text_at(e->get_object(), "department");
    if (auto const* d = attributes.if_contains(urn::directory_user); d && d->is_object()) {
        auto const& o = d->get_object();
        v[site] = text_at(o, "site");
        v[license] = join(o.if_contains("licenses"));
        v[extension] = text_at(o, "extensionNumber");
        v[voice] = join(o.if_contains("didNumbers"));
        if (auto const* devices = o.if_contains("devices"); devices && devices->is_array()) {
            for (auto const& phone : devices->get_array()) {
                if (!phone.is_object()) continue;
                auto const sep = [](std::string const& text) { return text.empty() ? "" : ";"; };
                v[device_mac] += sep(v[device_mac]) + text_at(phone.get_object(), "macAddress");
                auto const model = text_at(phone.get_object(), "model");
                if (!model.empty()) v[device_model] += sep(v[device_model]) + model;
            }
        }
    }
    std::string out;
    for (std::size_t c = 0; c < count; ++c) out += (c ? "," : "") + csv_field(v[c]);
    return out + "\r\n";
}

}  // namespace scim
