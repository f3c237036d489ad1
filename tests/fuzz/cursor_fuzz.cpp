// libFuzzer target: any cursor text must decode or be refused with scim::Error invalidCursor or expiredCursor, and
// so must any payload the server signed itself (the input, signed with the target's own secret).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "scim/error.hpp"
#include "server/crypto.hpp"
#include "server/cursor.hpp"
#include "tests/fuzz/refusal.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    static std::string const secret = "fuzz-secret";
    static server::CursorCodec const codec(secret, std::chrono::seconds(3600));
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    auto const now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
    try {
        (void)codec.decode(text, "binding", now);
    } catch (scim::Error const& e) {
        client_error_only(e);
    }
    auto const signed_cursor = server::base64url(text) + "." + server::base64url(server::hmac_sha256(secret, text));
    try {
        (void)codec.decode(signed_cursor, "binding", now);
    } catch (scim::Error const& e) {
        client_error_only(e);
    }
    return 0;
}
