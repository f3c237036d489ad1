// Device rows, their activation codes, and the users whose phones they are.
#include "storage/device_repository.hpp"

#include <algorithm>

#include <pqxx/pqxx>

#include "scim/changed_attributes.hpp"
#include "scim/error.hpp"
#include "scim/json_fields.hpp"
#include "scim/mac_address.hpp"
#include "scim/text.hpp"
#include "scim/urns.hpp"
#include "storage/change_log.hpp"
#include "storage/detail/rows.hpp"
#include "storage/detail/statements.hpp"

namespace storage {

namespace json = boost::json;

struct DeviceRepository::Fields {
    std::optional<std::string> external_id, display_name, mud_url, mac, model, user, site;
    bool active = true;
};

namespace {

std::string const device_columns = std::string(detail::resource_columns);

// What a stored device's document says of it: its user, whether it is active, whether its MAC address is known.
std::optional<std::string> assigned_user_of(json::object const& device) {
    auto user =
        scim::text_at(scim::object_at(scim::object_at(device, scim::urn::directory_device), "assignedUser"), "value");
    return user.empty() ? std::nullopt : std::optional<std::string>(std::move(user));
}

bool is_active(json::object const& device) {
    auto const* active = device.if_contains("active");
    return active && active->is_bool() && active->get_bool();
}

// The first key of the per-MAC activation lock (advisory locks share one namespace per database).
constexpr int mac_lock_class = 0x4d414321;  // "MAC!"

std::optional<std::string> mac_address_of(json::object const& device) {
    auto const mac = scim::text_at(scim::object_at(device, scim::urn::ethernet_mab_device), "deviceMacAddress");
    if (mac.empty()) return std::nullopt;
    return std::string(mac);
}

scim::Error no_such_device(std::string_view id) {
    return scim::Error::not_found("no device with id \"" + std::string(id) + "\" in this tenant");
}

std::optional<std::string> string_of(json::object const& o, std::string_view key, std::string const& name) {
    auto const* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) throw scim::Error::invalid_value(name + " must be a string");
    return std::string(v->get_string());
}

json::object const* extension(json::object const& o, std::string_view urn) {
    auto const* v = o.if_contains(urn);
    return v && v->is_object() ? &v->get_object() : nullptr;
}

// Crockford's base32: no I, L, O or U, so that a code read aloud or typed is not mistaken.
constexpr std::string_view code_alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t lookup_length = 4;
constexpr std::size_t secret_length = 10;  // 50 bits

// The code as people may type it (any case, dashes, spaces, O for 0, I and L for 1) -> its canonical characters.
std::optional<std::string> canonical_code(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '-' || c == ' ') continue;
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (c == 'O') c = '0';
        if (c == 'I' || c == 'L') c = '1';
        if (code_alphabet.find(c) == std::string_view::npos) return std::nullopt;
        out += c;
        if (out.size() > lookup_length + secret_length) return std::nullopt;
    }
    if (out.size() != lookup_length + secret_length) return std::nullopt;
    return out;
}

}  // namespace

scim::Error wrong_activation_code() {
    return scim::Error::invalid_value(
        "the activation code is not valid: it is mistyped, expired, already used, or was voided after too many "
        "wrong tries; issue a new one with POST /Devices/{id}/.activate");
}

DeviceRepository::Fields DeviceRepository::fields_of(json::object const& a) {
    Fields f;
    f.external_id = string_of(a, "externalId", "externalId");
    f.display_name = string_of(a, "displayName", "displayName");
    f.mud_url = string_of(a, "mudUrl", "mudUrl");
    auto const* active = a.if_contains("active");
    if (!active || !active->is_bool())
        throw scim::Error::invalid_value("active is required (RFC 9944): true to let the phone connect, or false");
    f.active = active->get_bool();
    if (auto const* mab = extension(a, scim::urn::ethernet_mab_device)) {
        if (auto const text = string_of(*mab, "deviceMacAddress", "deviceMacAddress")) {
            f.mac = scim::canonical_mac_address(*text);
            if (!f.mac)
                throw scim::Error::invalid_value("deviceMacAddress \"" + *text +
                                                 "\" is not a MAC address: write six hex pairs, as "
                                                 "2C:54:91:88:C9:E2, 2c-54-91-88-c9-e2, 2c54.9188.c9e2 or "
                                                 "2c549188c9e2 (not a group or broadcast address)");
        }
    }
    if (auto const* ext = extension(a, scim::urn::directory_device)) {
        f.model = string_of(*ext, "model", "model");
        f.site = string_of(*ext, "site", "site");
        if (auto const* user = ext->if_contains("assignedUser"); user && user->is_object())
            f.user = string_of(user->get_object(), "value", "assignedUser.value");
    }
    if (f.user) {
        if (!is_uuid(*f.user) ||
            detail::exec_sql(tx_, "SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2::uuid", tenant_id_, *f.user)
                .empty())
            throw scim::Error::invalid_value("assignedUser: this tenant has no user with id \"" + *f.user + "\"");
    }
    if (f.site) {
        if (detail::exec_sql(tx_, "SELECT 1 FROM sites WHERE tenant_id = $1 AND name = $2", tenant_id_, *f.site)
                .empty())
            throw scim::Error::invalid_value("site: this tenant has no site named \"" + *f.site + "\"");
    } else {
        // The user's site, else the tenant's default site.
        auto const r = detail::exec_sql(
            tx_,
            "SELECT coalesce((SELECT s.name FROM users u JOIN sites s ON s.tenant_id = u.tenant_id AND s.id = u.site_id"
            "                 WHERE u.tenant_id = $1 AND u.id = $2::uuid),"
            "                (SELECT s.name FROM tenants t JOIN sites s ON s.tenant_id = t.id AND s.id = "
            "t.default_site_id"
            "                 WHERE t.id = $1))",
            tenant_id_, detail::or_null(f.user));
        if (r.empty() || r[0][0].is_null())
            throw scim::Error::invalid_value(
                "site is required: the device has no user with a site and this tenant "
                "has no default site");
        f.site = r[0][0].as<std::string>();
    }
    return f;
}

void DeviceRepository::check_mac_free(std::string const& mac, std::string_view own_id) {
    auto const r = detail::exec_sql(
        tx_, "SELECT id::text FROM devices WHERE tenant_id = $1 AND mac_address = $2 AND id::text <> $3", tenant_id_,
        mac, std::string(own_id));
    if (!r.empty())
        throw scim::Error::uniqueness("MAC address " + mac + " belongs to device \"" + r[0][0].as<std::string>() +
                                      "\" of this tenant");
}

bool DeviceRepository::mac_active_elsewhere(std::string const& mac) {
    // The one question asked across tenants, answered yes or no: a phone is active in one tenant at most. The lock
    // (until the transaction ends) makes two tenants activating one phone at once take turns.
    detail::exec_sql(tx_, "SELECT pg_advisory_xact_lock($1, hashtext($2))", mac_lock_class, mac);
    bool const elsewhere =
        detail::exec_sql1(tx_,
                          "SELECT EXISTS (SELECT 1 FROM devices WHERE mac_address = $1 AND activation_state = 'active'"
                          " AND tenant_id <> $2::uuid)",
                          mac, tenant_id_)[0]
            .as<bool>();
    if (elsewhere) ++mac_conflicts_;
    return elsewhere;
}

void DeviceRepository::check_creation_allowed() {
    auto const r = detail::exec_sql1(
        tx_,
        "SELECT (SELECT count(*) FROM devices WHERE tenant_id = $1), t.max_devices,"
        " (SELECT count(*) FROM devices WHERE tenant_id = $1 AND created_at > $2::timestamptz - interval '1 minute'),"
        " t.device_creations_per_minute FROM tenants t WHERE t.id = $1",
        tenant_id_, format_timestamp(context_.now));
    auto const count = r[0].as<std::int64_t>(), quota = r[1].as<std::int64_t>();
    auto const recent = r[2].as<std::int64_t>(), rate = r[3].as<std::int64_t>();
    if (count >= quota)
        throw scim::Error::forbidden("the tenant has " + std::to_string(count) + " devices, its quota (" +
                                     std::to_string(quota) +
                                     "); remove unused ones, or ask the operator to raise it (scimd tenant set "
                                     "--max-devices)");
    if (recent >= rate)
        throw scim::Error::too_many_requests("the tenant created " + std::to_string(recent) +
                                                 " devices in the last minute, its limit; create the rest in a minute",
                                             60);
}

std::optional<StoredResource> DeviceRepository::find_resource(std::string_view id, bool for_update) {
    if (!is_uuid(id)) return std::nullopt;
    auto const r =
        detail::exec_sql(tx_,
                         "SELECT " + device_columns + " FROM devices WHERE tenant_id = $1 AND id = $2::uuid" +
                             (for_update ? " FOR UPDATE" : ""),
                         tenant_id_, std::string(id));
    if (r.empty()) return std::nullopt;
    return detail::resource_from(r[0]);
}

StoredResource DeviceRepository::record(StoredResource device, ChangeOperation operation, json::object const& before) {
    ChangeLog(tx_, context_)
        .record(scim::ResourceKind::device, device.id, operation, device.version,
                scim::changed_attributes(before, device.attributes));
    return device;
}

StoredResource DeviceRepository::create_resource(json::object const& attributes) {
    auto const f = fields_of(attributes);
    check_creation_allowed();
    if (f.mac) check_mac_free(*f.mac, "");
    // With its MAC address known a phone is active at once, unless another tenant's device has it active: then it
    // waits, pending, until that one lets it go.
    auto const state = !f.active                      ? "deactivated"
                       : !f.mac                       ? "unassigned"
                       : mac_active_elsewhere(*f.mac) ? "pending"
                                                      : "active";
    auto device = detail::resource_from(detail::exec_sql1(
        tx_,
        "INSERT INTO devices (tenant_id, external_id, display_name, active, mud_url, mac_address, model, assigned_user,"
        "                     site_name, activation_state, emergency_only, created_at, modified_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid, $9, $10,"
        "         coalesce((SELECT active IS false FROM users WHERE tenant_id = $1 AND id = $8::uuid), false),"
        "         $11::timestamptz, $11::timestamptz)"
        " RETURNING " +
            device_columns,
        tenant_id_, detail::or_null(f.external_id), detail::or_null(f.display_name), f.active,
        detail::or_null(f.mud_url), detail::or_null(f.mac), detail::or_null(f.model), detail::or_null(f.user), *f.site,
        state, format_timestamp(context_.now)));
    record(device, ChangeOperation::create, {});
    if (f.user) refresh_users({*f.user});
    return device;
}

StoredResource DeviceRepository::update_resource(std::string_view id, json::object const& attributes,
                                                 ChangeOperation operation) {
    auto const current = find_resource(id, true);
    if (!current) throw no_such_device(id);
    auto const f = fields_of(attributes);
    if (f.mac) check_mac_free(*f.mac, id);
    bool const claimable = f.active && f.mac && !mac_active_elsewhere(*f.mac);
    // Deactivated, or active with a MAC address: no code is needed any more (a MAC active in another tenant waits,
    // pending). Otherwise an outstanding code keeps the device pending.
    auto device = detail::resource_from(detail::exec_sql1(
        tx_,
        "UPDATE devices SET external_id = $3, display_name = $4, active = $5, mud_url = $6, mac_address = $7,"
        "  model = $8, assigned_user = $9::uuid, site_name = $10,"
        "  emergency_only = coalesce((SELECT u.active IS false FROM users u WHERE u.tenant_id = $1 AND u.id = "
        "$9::uuid),"
        "                            false),"
        "  activation_state = CASE WHEN NOT $5 THEN 'deactivated' WHEN $7::text IS NOT NULL AND $12 THEN 'active'"
        "                          WHEN $7::text IS NOT NULL THEN 'pending'"
        "                          WHEN code_hash IS NOT NULL AND code_expires_at > $11::timestamptz THEN 'pending'"
        "                          ELSE 'unassigned' END,"
        "  code_lookup = CASE WHEN $5 AND $7::text IS NULL THEN code_lookup END,"
        "  code_hash = CASE WHEN $5 AND $7::text IS NULL THEN code_hash END,"
        "  code_expires_at = CASE WHEN $5 AND $7::text IS NULL THEN code_expires_at END,"
        "  version = version + 1, modified_at = $11::timestamptz"
        " WHERE tenant_id = $1 AND id = $2::uuid RETURNING " +
            device_columns,
        tenant_id_, std::string(id), detail::or_null(f.external_id), detail::or_null(f.display_name), f.active,
        detail::or_null(f.mud_url), detail::or_null(f.mac), detail::or_null(f.model), detail::or_null(f.user), *f.site,
        format_timestamp(context_.now), claimable));
    if (device.attributes == current->attributes) {
        // Nothing a client can see changed: no new version, no record.
        detail::exec_sql(tx_,
                         "UPDATE devices SET version = $3, modified_at = $4::timestamptz"
                         " WHERE tenant_id = $1 AND id = $2::uuid",
                         tenant_id_, std::string(id), current->version, current->last_modified);
        return *current;
    }
    record(device, operation, current->attributes);
    std::vector<std::string> users;
    if (auto const before_user = assigned_user_of(current->attributes)) users.push_back(*before_user);
    if (f.user && std::find(users.begin(), users.end(), *f.user) == users.end()) users.push_back(*f.user);
    refresh_users(users);
    return device;
}

void DeviceRepository::remove(std::string_view id) {
    if (!is_uuid(id)) throw no_such_device(id);
    auto const r = detail::exec_sql(
        tx_, "DELETE FROM devices WHERE tenant_id = $1 AND id = $2::uuid RETURNING assigned_user::text", tenant_id_,
        std::string(id));
    if (r.empty()) throw no_such_device(id);
    ChangeLog(tx_, context_).record(scim::ResourceKind::device, std::string(id), ChangeOperation::remove, std::nullopt);
    if (!r[0][0].is_null()) refresh_users({r[0][0].as<std::string>()});
}

std::pair<StoredResource, std::optional<ActivationCode>> DeviceRepository::activate(std::string_view id) {
    auto const current = find_resource(id, true);
    if (!current) throw no_such_device(id);
    if (!is_active(current->attributes))
        throw scim::Error::conflict("device \"" + std::string(id) +
                                    "\" is deactivated (active false): set active to true first");
    if (auto const mac = mac_address_of(current->attributes)) {
        // Active at once, or (its MAC active in another tenant) pending until that one lets it go.
        auto const state = mac_active_elsewhere(*mac) ? "pending" : "active";
        auto device = detail::resource_from(detail::exec_sql1(
            tx_,
            "UPDATE devices SET activation_state = $4, code_lookup = NULL, code_hash = NULL,"
            "  code_expires_at = NULL, version = version + CASE WHEN activation_state = $4 AND code_hash IS NULL"
            "  THEN 0 ELSE 1 END,"
            "  modified_at = CASE WHEN activation_state = $4 AND code_hash IS NULL THEN modified_at"
            "  ELSE $3::timestamptz END"
            " WHERE tenant_id = $1 AND id = $2::uuid RETURNING " +
                device_columns,
            tenant_id_, std::string(id), format_timestamp(context_.now), std::string(state)));
        if (device.version != current->version) record(device, ChangeOperation::update, current->attributes);
        return {std::move(device), std::nullopt};
    }
    // A new code replaces any outstanding one. Its randomness is PostgreSQL's (gen_random_uuid: pg_strong_random);
    // a lookup part already out in this tenant is drawn again.
    for (int attempt = 0; attempt < 8; ++attempt) {
        auto const random = detail::exec_sql1(tx_,
                                              "SELECT encode(uuid_send(gen_random_uuid()), 'hex') ||"
                                              " encode(uuid_send(gen_random_uuid()), 'hex')")[0]
                                .as<std::string>();
        // Version-4 UUIDs fix 6 of their 128 bits (hex digits 12 and 16): the code uses only the other digits.
        std::string bits;
        for (std::size_t i = 0; i < random.size(); ++i)
            if (i % 32 != 12 && i % 32 != 16) bits += random[i];
        std::string code;
        for (std::size_t i = 0; code.size() < lookup_length + secret_length; i += 2)
            code += code_alphabet[std::stoul(bits.substr(i, 2), nullptr, 16) % 32];  // 256 % 32 == 0: uniform
        auto const lookup = code.substr(0, lookup_length);
        auto const r = detail::exec_sql(
            tx_,
            "UPDATE devices SET activation_state = 'pending', code_lookup = $3,"
            "  code_hash = sha256(convert_to($4, 'UTF8')), code_failures = 0,"
            "  code_expires_at = $5::timestamptz + make_interval(days => (SELECT activation_code_days FROM tenants"
            "                                                             WHERE id = $1)),"
            "  version = version + 1, modified_at = $5::timestamptz"
            " WHERE tenant_id = $1 AND id = $2::uuid"
            "   AND NOT EXISTS (SELECT 1 FROM devices o WHERE o.tenant_id = $1 AND o.code_lookup = $3)"
            " RETURNING " +
                device_columns + ", " + detail::rfc3339_sql("code_expires_at"),
            tenant_id_, std::string(id), lookup, code, format_timestamp(context_.now));
        if (r.empty()) continue;
        auto device = detail::resource_from(r[0]);
        record(device, ChangeOperation::update, current->attributes);
        return {std::move(device),
                ActivationCode{lookup + "-" + code.substr(lookup_length, 5) + "-" + code.substr(lookup_length + 5),
                               r[0][5].as<std::string>()}};
    }
    throw scim::Error::unavailable("could not draw an activation code; try again");
}

std::optional<StoredResource> DeviceRepository::redeem(std::string_view code_text, std::string_view mac_text) {
    auto const mac = scim::canonical_mac_address(mac_text);
    if (!mac)
        throw scim::Error::invalid_value("\"" + std::string(mac_text) +
                                         "\" is not a MAC address: write it as 2C:54:91:88:C9:E2");
    auto const code = canonical_code(code_text);
    if (!code) return std::nullopt;
    auto const lookup = code->substr(0, lookup_length);
    auto const r = detail::exec_sql(
        tx_,
        "SELECT id::text, code_hash = sha256(convert_to($3, 'UTF8')), code_expires_at > $4::timestamptz,"
        "       code_failures"
        " FROM devices WHERE tenant_id = $1 AND code_lookup = $2 FOR UPDATE",
        tenant_id_, lookup, *code, format_timestamp(context_.now));
    if (r.empty()) return std::nullopt;
    auto const id = r[0][0].as<std::string>();
    if (!r[0][1].as<bool>() || !r[0][2].as<bool>()) {
        // A wrong secret for this lookup counts against this device; enough of them void its code.
        auto const current = find_resource(id, true);
        auto const voided = detail::exec_sql1(
            tx_,
            "UPDATE devices SET code_failures = code_failures + 1,"
            "  activation_state = CASE WHEN code_failures + 1 >= $3 THEN 'unassigned' ELSE activation_state END,"
            "  code_lookup = CASE WHEN code_failures + 1 >= $3 THEN NULL ELSE code_lookup END,"
            "  code_hash = CASE WHEN code_failures + 1 >= $3 THEN NULL ELSE code_hash END,"
            "  code_expires_at = CASE WHEN code_failures + 1 >= $3 THEN NULL ELSE code_expires_at END,"
            "  version = version + CASE WHEN code_failures + 1 >= $3 THEN 1 ELSE 0 END,"
            "  modified_at = CASE WHEN code_failures + 1 >= $3 THEN $4::timestamptz ELSE modified_at END"
            " WHERE tenant_id = $1 AND id = $2::uuid RETURNING " +
                device_columns + ", code_lookup IS NULL",
            tenant_id_, id, max_code_failures, format_timestamp(context_.now));
        if (voided[5].as<bool>()) record(detail::resource_from(voided), ChangeOperation::update, current->attributes);
        return std::nullopt;
    }
    check_mac_free(*mac, id);
    auto const current = find_resource(id, true);
    auto const state = mac_active_elsewhere(*mac) ? "pending" : "active";
    auto device = detail::resource_from(detail::exec_sql1(
        tx_,
        "UPDATE devices SET mac_address = $3, activation_state = $5, code_lookup = NULL, code_hash = NULL,"
        "  code_expires_at = NULL, code_failures = 0, version = version + 1, modified_at = $4::timestamptz"
        " WHERE tenant_id = $1 AND id = $2::uuid RETURNING " +
            device_columns,
        tenant_id_, id, *mac, format_timestamp(context_.now), std::string(state)));
    record(device, ChangeOperation::update, current->attributes);
    if (auto const user = assigned_user_of(device.attributes)) refresh_users({*user});
    return device;
}

void DeviceRepository::forget_mac_address(std::string_view id) {
    auto const current = find_resource(id, true);
    if (!current) throw no_such_device(id);
    auto device = detail::resource_from(detail::exec_sql1(
        tx_,
        "UPDATE devices SET mac_address = NULL, activation_state = CASE WHEN active THEN 'unassigned' ELSE"
        " 'deactivated' END, version = version + 1, modified_at = $3::timestamptz"
        " WHERE tenant_id = $1 AND id = $2::uuid RETURNING " +
            device_columns,
        tenant_id_, std::string(id), format_timestamp(context_.now)));
    record(device, ChangeOperation::update, current->attributes);
    if (auto const user = assigned_user_of(device.attributes)) refresh_users({*user});
}

void DeviceRepository::user_activity_changed(std::string const& user_id, bool active) {
    auto const r = detail::exec_sql(
        tx_,
        "UPDATE devices SET emergency_only = NOT $3, version = version + 1, modified_at = $4::timestamptz"
        " WHERE tenant_id = $1 AND assigned_user = $2::uuid AND emergency_only = $3 AND active"
        " RETURNING id::text, version",
        tenant_id_, user_id, active, format_timestamp(context_.now));
    ChangeLog log(tx_, context_);
    for (auto const& row : r)
        log.record(scim::ResourceKind::device, row[0].as<std::string>(), ChangeOperation::update,
                   row[1].as<std::int64_t>(), {std::string(scim::urn::directory_device) + ":emergencyCallsOnly"});
    if (active) return;
    // A deactivated person activates no phone: an activation code handed out for one of theirs is void.
    auto const voided = detail::exec_sql(
        tx_,
        "UPDATE devices SET code_lookup = NULL, code_hash = NULL, code_expires_at = NULL, code_failures = 0,"
        " activation_state = 'unassigned', version = version + 1, modified_at = $3::timestamptz"
        " WHERE tenant_id = $1 AND assigned_user = $2::uuid AND activation_state = 'pending' AND code_hash IS NOT NULL"
        " RETURNING id::text, version",
        tenant_id_, user_id, format_timestamp(context_.now));
    for (auto const& row : voided)
        log.record(scim::ResourceKind::device, row[0].as<std::string>(), ChangeOperation::update,
                   row[1].as<std::int64_t>(), {std::string(scim::urn::directory_device) + ":activationState"});
}

void DeviceRepository::user_deleted(std::string const& user_id) {
    if (free_devices("d.assigned_user = $2::uuid", user_id) > 0) refresh_users({user_id});
}

void DeviceRepository::inactive_users_deleted() {
    free_devices(
        "d.assigned_user IN (SELECT u.id FROM users u WHERE u.tenant_id = $1 AND u.active = false)"
        " AND $2::uuid IS NULL",
        {});
}

std::size_t DeviceRepository::free_devices(std::string const& condition, std::string const& argument) {
    auto const r =
        detail::exec_sql(tx_,
                         "UPDATE devices d SET assigned_user = NULL, active = false, activation_state = 'deactivated',"
                         "  emergency_only = false, code_lookup = NULL, code_hash = NULL, code_expires_at = NULL,"
                         "  version = d.version + 1, modified_at = $3::timestamptz"
                         " WHERE d.tenant_id = $1 AND " +
                             condition + " RETURNING d.id::text, d.version",
                         tenant_id_, detail::or_null(argument), format_timestamp(context_.now));
    ChangeLog log(tx_, context_);
    auto const ext = std::string(scim::urn::directory_device) + ":";
    for (auto const& row : r)
        log.record(scim::ResourceKind::device, row[0].as<std::string>(), ChangeOperation::update,
                   row[1].as<std::int64_t>(), {"active", ext + "activationState", ext + "assignedUser"});
    return r.size();
}

void DeviceRepository::refresh_users(std::vector<std::string> const& user_ids) {
    auto const key = std::string(scim::urn::directory_user);
    ChangeLog log(tx_, context_);
    for (auto const& user_id : user_ids) {
        auto const r = detail::exec_sql(
            tx_,
            "WITH mine AS (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('value', id::text, 'macAddress',"
            "                     mac_address, 'model', model, 'display', display_name))"
            "                     ORDER BY created_at, mac_address, id) AS d"
            "              FROM devices WHERE tenant_id = $1 AND assigned_user = $2::uuid)"
            " UPDATE users u SET data = CASE WHEN mine.d IS NULL THEN u.data #- ARRAY[$3::text, 'devices']"
            "                           ELSE jsonb_set(u.data, ARRAY[$3::text], coalesce(u.data -> $3::text, '{}')"
            "                                          || jsonb_build_object('devices', mine.d)) END,"
            "   version = u.version + 1, modified_at = $4::timestamptz"
            " FROM mine WHERE u.tenant_id = $1 AND u.id = $2::uuid"
            "   AND (u.data -> $3::text -> 'devices') IS DISTINCT FROM mine.d"
            " RETURNING u.version",
            tenant_id_, user_id, key, format_timestamp(context_.now));
        if (!r.empty())
            log.record(scim::ResourceKind::user, user_id, ChangeOperation::update, r[0][0].as<std::int64_t>(),
                       {key + ":devices"});
    }
}

}  // namespace storage

namespace storage {

MacRelease release_mac_address(pqxx::transaction_base& tx, std::string_view mac_text, ChangeContext context) {
    auto const mac = scim::canonical_mac_address(mac_text);
    if (!mac)
        throw scim::Error::invalid_value("\"" + std::string(mac_text) +
                                         "\" is not a MAC address: write it as 2C:54:91:88:C9:E2");
    MacRelease out;
    out.waiting = detail::exec_sql1(tx,
                                    "SELECT count(*) FROM devices WHERE mac_address = $1 AND activation_state <> "
                                    "'active'",
                                    *mac)[0]
                      .as<std::int64_t>();
    auto const holder = detail::exec_sql(tx,
                                         "SELECT d.tenant_id::text, t.name, d.id::text FROM devices d"
                                         " JOIN tenants t ON t.id = d.tenant_id"
                                         " WHERE d.mac_address = $1 AND d.activation_state = 'active'",
                                         *mac);
    if (holder.empty()) return out;
    context.tenant_id = holder[0][0].as<std::string>();
    out.tenant = holder[0][1].as<std::string>();
    out.device_id = holder[0][2].as<std::string>();
    DeviceRepository(tx, context).forget_mac_address(out.device_id);
    return out;
}

}  // namespace storage
