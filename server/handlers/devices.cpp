// /Devices: desk phones as RFC 9944 Devices. Besides the SCIM writes, POST /Devices/{id}/.activate activates a phone
// (at once when its MAC address is known, else by handing out a one-time activation code), and POST
// /Devices/.redeem is how the device-provisioning service turns a code typed on a phone into an active device.
#include "server/handlers/handlers.hpp"

#include <boost/json/parse.hpp>
#include <pqxx/transaction>

#include "scim/error.hpp"
#include "scim/etag.hpp"
#include "scim/json_fields.hpp"
#include "scim/patch.hpp"
#include "scim/resource.hpp"
#include "scim/urns.hpp"
#include "server/handlers/request_body.hpp"
#include "server/handlers/views.hpp"
#include "server/reads.hpp"
#include "server/responses.hpp"
#include "service/devices.hpp"
#include "service/writes.hpp"
#include "storage/device_repository.hpp"

namespace server::handlers {
namespace {

namespace json = boost::json;

constexpr auto device = scim::ResourceKind::device;
constexpr std::string_view activation_message = "urn:ietf:params:scim:api:messages:8x8:1.1:DeviceActivation";

scim::ResourceType const& device_type(RequestContext const& ctx) { return *ctx.app.registry.resource_type("Device"); }

scim::Error no_such_device(std::string_view id) {
    return scim::Error::not_found("no device with id \"" + std::string(id) + "\" in this tenant");
}

Rendered rendered(pqxx::transaction_base& tx, RequestContext const& ctx, storage::StoredResource stored,
                  scim::Selection const& selection) {
    return render_one(tx, ctx, device_type(ctx), std::move(stored), selection);
}

std::string string_member(json::object const& body, std::string_view key) {
    auto const* v = body.if_contains(key);
    if (!v || !v->is_string())
        throw scim::Error::invalid_value("the request needs \"" + std::string(key) + "\" as a string");
    return std::string(v->get_string());
}

// A device that came out of a write pending though its MAC address is known and it is active, without a code: another
// tenant has that phone active. Counted for the operator, who may have a squatter to look at.
void count_mac_conflict(RequestContext const& ctx, storage::StoredResource const& stored) {
    auto const& ext = scim::object_at(stored.attributes, scim::urn::directory_device);
    if (scim::text_at(ext, "activationState") != "pending" || ext.contains("activationExpires")) return;
    if (scim::text_at(scim::object_at(stored.attributes, scim::urn::ethernet_mab_device), "deviceMacAddress").empty())
        return;
    ctx.app.metrics.device_mac_conflicts.inc();
}

}  // namespace

Reply create_device(RequestContext& ctx) {
    auto const& type = device_type(ctx);
    auto const input = co_await resource_from_request(ctx, type);
    auto const selection = request_selection(ctx, type);
    auto const [stored, text] = co_await ctx.app.db.run(
        [&](pqxx::work& tx) { return rendered(tx, ctx, service::create(tx, ctx.caller(), device, input), selection); });
    count_mac_conflict(ctx, stored);
    auto res = text_resource_response(201, ctx, type, stored, text);
    add_ignored_attributes(res, input.ignored);
    co_return res;
}

Reply list_devices(RequestContext& ctx, ListRequest const& request) {
    return list_resources(ctx, device_type(ctx), storage::devices_table(), request);
}

Reply get_device(RequestContext& ctx, std::string_view id) {
    auto const& type = device_type(ctx);
    auto const selection = request_selection(ctx, type);
    auto const found = co_await read_only(ctx, ReadShape::statements, [&](pqxx::transaction_base& tx) {
        return render_for_get(tx, ctx, type, storage::DeviceRepository(tx, ctx.change()).find_resource(id), selection);
    });
    if (!found) throw no_such_device(id);
    co_return get_response(ctx, type, *found);
}

Reply replace_device(RequestContext& ctx, std::string_view id) {
    auto const& type = device_type(ctx);
    auto const input = co_await resource_from_request(ctx, type);
    auto const selection = request_selection(ctx, type);
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return rendered(tx, ctx, service::replace(tx, ctx.caller(), device, id, input, {}, ctx.request.if_match),
                        selection);
    });
    count_mac_conflict(ctx, stored);
    co_return modified_response(ctx, type, stored, text, input.ignored);
}

Reply patch_device(RequestContext& ctx, std::string_view id) {
    auto const& type = device_type(ctx);
    scim::IgnoredAttributes ignored;
    auto const request = co_await patch_from_request(ctx, type, ignored);
    auto const selection = request_selection(ctx, type);
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return rendered(tx, ctx, service::patch(tx, ctx.caller(), device, id, request, {}, ctx.request.if_match),
                        selection);
    });
    count_mac_conflict(ctx, stored);
    co_return modified_response(ctx, type, stored, text, ignored);
}

Reply delete_device(RequestContext& ctx, std::string_view id) {
    co_await ctx.app.db.run(
        [&](pqxx::work& tx) { service::remove(tx, ctx.caller(), device, id, ctx.request.if_match); });
    co_return no_content();
}

Reply activate_device(RequestContext& ctx, std::string_view id) {
    auto const& type = device_type(ctx);
    auto const selection = request_selection(ctx, type);
    struct Outcome {
        Rendered device;
        std::optional<storage::ActivationCode> code;
    };
    auto const outcome = co_await ctx.app.db.run([&](pqxx::work& tx) {
        auto activation = service::activate_device(tx, ctx.caller(), id, ctx.request.if_match);
        return Outcome{rendered(tx, ctx, std::move(activation.device), selection), std::move(activation.code)};
    });
    auto const& [stored, text] = outcome.device;
    count_mac_conflict(ctx, stored);
    if (!outcome.code) co_return text_resource_response(200, ctx, type, stored, text);
    // The code is in this answer only: what is stored is its hash.
    json::object body{{"schemas", json::array{activation_message}},
                      {"activationCode", outcome.code->code},
                      {"expires", outcome.code->expires},
                      {"device", json::parse(text)}};
    auto res = json_response(200, body);
    res.set_header("ETag", scim::weak_etag(stored.version));
    co_return res;
}

Reply redeem_activation_code(RequestContext& ctx) {
    auto const& type = device_type(ctx);
    auto const body = scim::parse_json_object(ctx.request.body);
    auto const code = string_member(body, "activationCode");
    auto const mac = string_member(body, "deviceMacAddress");
    auto const selection = request_selection(ctx, type);
    // A wrong code is counted against its device: that count commits, and then the request fails.
    auto const redeemed = co_await ctx.app.db.run([&](pqxx::work& tx) -> std::optional<Rendered> {
        auto device = service::redeem_activation_code(tx, ctx.caller(), code, mac);
        if (!device) return std::nullopt;
        return rendered(tx, ctx, std::move(*device), selection);
    });
    if (!redeemed) throw storage::wrong_activation_code();
    count_mac_conflict(ctx, redeemed->first);
    co_return text_resource_response(200, ctx, type, redeemed->first, redeemed->second);
}

}  // namespace server::handlers
