// Request framing checks.
#include "server/http_framing.hpp"

#include "scim/text.hpp"

namespace server {

namespace http = boost::beast::http;

std::optional<std::string> framing_problem(http::request_header<> const& head) {
    auto const encodings = head.equal_range(http::field::transfer_encoding);
    if (encodings.first == encodings.second) return std::nullopt;
    if (head.count(http::field::content_length) > 0)
        return "the request has both Content-Length and Transfer-Encoding; send one of them";
    // Every coding of every Transfer-Encoding field, in order: only a single "chunked" is accepted, because a
    // last coding other than chunked leaves the body's end unknown (RFC 9112 §6.3) and scimd decodes no other.
    std::size_t codings = 0;
    bool chunked = false;
    for (auto it = encodings.first; it != encodings.second; ++it) {
        std::string_view list = it->value();
        while (!list.empty()) {
            auto const comma = list.find(',');
            auto coding = list.substr(0, comma);
            while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) coding.remove_prefix(1);
            while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.remove_suffix(1);
            if (!coding.empty()) {
                ++codings;
                chunked = scim::iequals(coding, "chunked");
                if (!chunked) break;
            }
            if (comma == std::string_view::npos) break;
            list.remove_prefix(comma + 1);
        }
        if (!chunked) break;
    }
    if (codings == 1 && chunked) return std::nullopt;
    return "Transfer-Encoding must be \"chunked\" alone; send the body chunked or with Content-Length";
}

}  // namespace server
