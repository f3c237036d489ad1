// Recursive-descent filter parser.
#include "scim/filter_parser.hpp"

#include <cctype>

#include <boost/json/parse.hpp>

#include "scim/error.hpp"
#include "scim/text.hpp"
#include "scim/utf8.hpp"

namespace scim {
namespace {

namespace json = boost::json;

constexpr std::pair<std::string_view, CompareOp> operators[] = {
    {"eq", CompareOp::eq}, {"ne", CompareOp::ne}, {"co", CompareOp::co}, {"sw", CompareOp::sw}, {"ew", CompareOp::ew},
    {"gt", CompareOp::gt}, {"ge", CompareOp::ge}, {"lt", CompareOp::lt}, {"le", CompareOp::le}, {"pr", CompareOp::pr},
};

bool is_path_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':' || c == '$';
}

class Parser {
public:
    Parser(std::string_view text, FilterLimits limits) : text_(text), limits_(limits) {}

    Filter parse() {
        if (text_.size() > limits_.max_length)
            throw Error::too_many("the filter is longer than " + std::to_string(limits_.max_length) + " characters");
        skip_spaces();
        if (at_end()) throw fail("the filter is empty");
        auto filter = parse_or(false);
        skip_spaces();
        if (!at_end()) throw fail("unexpected \"" + std::string(peek_word()) + "\"");
        return std::move(*filter);
    }

private:
    Error fail(std::string const& what) const {
        return Error::invalid_filter(what + " at offset " + std::to_string(pos_) + " of the filter");
    }

    bool at_end() const { return pos_ >= text_.size(); }
    void skip_spaces() {
        while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    }
    std::string_view peek_word() const {
        std::size_t end = pos_;
        while (end < text_.size() && text_[end] != ' ' && text_[end] != ')' && text_[end] != ']') ++end;
        if (end == pos_ && end < text_.size()) ++end;
        return text_.substr(pos_, end - pos_);
    }

    // A keyword (and, or, not, an operator) at the cursor, followed by a space, "(" or the end.
    bool keyword(std::string_view word) {
        skip_spaces();
        if (!istarts_with(text_.substr(pos_), word)) return false;
        auto const after = pos_ + word.size();
        if (after < text_.size() && is_path_char(text_[after])) return false;
        pos_ = after;
        return true;
    }

    void enter() {
        if (++depth_ > limits_.max_depth)
            throw Error::too_many("the filter nests deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    void leave() { --depth_; }

    FilterPtr make(Filter f) { return std::make_shared<Filter const>(std::move(f)); }

    FilterPtr parse_or(bool in_brackets) {
        auto left = parse_and(in_brackets);
        while (keyword("or")) {
            auto right = parse_and(in_brackets);
            left = make(Filter{Logical{false, std::move(left), std::move(right)}});
        }
        return left;
    }

    FilterPtr parse_and(bool in_brackets) {
        auto left = parse_unary(in_brackets);
        while (keyword("and")) {
            auto right = parse_unary(in_brackets);
            left = make(Filter{Logical{true, std::move(left), std::move(right)}});
        }
        return left;
    }

    FilterPtr parse_group(bool in_brackets) {
        enter();
        auto inner = parse_or(in_brackets);
        skip_spaces();
        if (at_end() || text_[pos_] != ')') throw fail("expected ')'");
        ++pos_;
        leave();
        return inner;
    }

    FilterPtr parse_unary(bool in_brackets) {
        skip_spaces();
        if (at_end()) throw fail("expected an attribute, \"not\" or \"(\"");
        auto const start = pos_;
        if (keyword("not")) {
            skip_spaces();
            if (!at_end() && text_[pos_] == '(') {
                ++pos_;
                return make(Filter{Negation{parse_group(in_brackets)}});
            }
            pos_ = start;  // an attribute whose name starts with "not"
        }
        if (text_[pos_] == '(') {
            ++pos_;
            return parse_group(in_brackets);
        }
        return parse_attribute_expression(in_brackets);
    }

    AttributePath parse_path() {
        skip_spaces();
        auto const start = pos_;
        while (!at_end() && is_path_char(text_[pos_])) ++pos_;
        if (pos_ == start) throw fail("expected an attribute name");
        auto const raw = text_.substr(start, pos_ - start);
        try {
            return split_attribute_path(raw);
        } catch (Error const&) {
            pos_ = start;
            throw fail("\"" + std::string(raw) + "\" is not an attribute path");
        }
    }

    FilterPtr parse_attribute_expression(bool in_brackets) {
        if (++terms_ > limits_.max_terms)
            throw Error::too_many("the filter has more than " + std::to_string(limits_.max_terms) + " terms");
        auto path = parse_path();
        if (!at_end() && text_[pos_] == '[') {
            if (in_brackets) throw fail("value filters cannot be nested");
            if (!path.sub_attribute.empty()) throw fail("a value filter applies to an attribute, not a sub-attribute");
            ++pos_;
            enter();
            auto inner = parse_or(true);
            skip_spaces();
            if (at_end() || text_[pos_] != ']') throw fail("expected ']'");
            ++pos_;
            leave();
            // Entra: emails[type eq "work"].value eq "x" means some value is of type work and equals x.
            if (!at_end() && text_[pos_] == '.') {
                ++pos_;
                auto sub = parse_path();
                if (!sub.urn.empty() || !sub.sub_attribute.empty())
                    throw fail("expected a sub-attribute name after \"].\"");
                auto comparison = parse_comparison(AttributePath{{}, sub.attribute, {}});
                inner = make(Filter{Logical{true, std::move(inner), std::move(comparison)}});
            }
            return make(Filter{ValuePath{std::move(path), std::move(inner)}});
        }
        return parse_comparison(std::move(path));
    }

    FilterPtr parse_comparison(AttributePath path) {
        if (at_end() || text_[pos_] != ' ')
            throw fail("expected a space and an operator after \"" + path.to_string() + "\"");
        skip_spaces();
        auto const op_start = pos_;
        for (auto const& [name, op] : operators) {
            if (!keyword(name)) continue;
            if (op == CompareOp::pr) return make(Filter{Comparison{std::move(path), op, nullptr}});
            if (at_end() || text_[pos_] != ' ')
                throw fail("expected a space and a value after \"" + std::string(name) + "\"");
            skip_spaces();
            return make(Filter{Comparison{std::move(path), op, parse_value()}});
        }
        pos_ = op_start;
        throw fail("unknown operator \"" + std::string(peek_word()) + "\"");
    }

    json::value parse_value() {
        if (at_end()) throw fail("expected a value");
        auto const start = pos_;
        if (text_[pos_] == '"') {
            ++pos_;
            while (!at_end() && text_[pos_] != '"') pos_ += text_[pos_] == '\\' ? 2 : 1;
            if (at_end()) {
                pos_ = start;
                throw fail("unterminated string");
            }
            ++pos_;
            return literal(start, text_.substr(start, pos_ - start));
        }
        while (!at_end() && text_[pos_] != ' ' && text_[pos_] != ')' && text_[pos_] != ']') ++pos_;
        auto const word = text_.substr(start, pos_ - start);
        if (iequals(word, "true") || iequals(word, "false") || iequals(word, "null"))
            return literal(start, to_lower(word));
        json::error_code ec;
        auto number = json::parse(word, ec);
        if (!ec && number.is_number()) return number;
        // Some clients leave values unquoted (userName sw O, meta.created gt 2015-10-10T14:38:21Z). A word that is
        // no JSON literal has only one reading: a string. Quotes, escapes and brackets inside it have more.
        for (char c : word)
            if (c == '"' || c == '\\' || c == '[' || c == '{' || c == '(') {
                pos_ = start;
                throw fail("\"" + std::string(word) + "\" is not a value; put strings in double quotes");
            }
        json::value value = json::string(word);
        no_nul(start, value);
        return value;
    }

    json::value literal(std::size_t start, std::string_view text) {
        json::error_code ec;
        auto value = json::parse(text, ec);
        if (ec || value.is_object() || value.is_array()) {
            pos_ = start;
            throw fail("\"" + std::string(text) + "\" is not a value; strings go in double quotes");
        }
        no_nul(start, value);
        return value;
    }

    // No stored text holds a NUL or bytes that are not UTF-8 (PostgreSQL's text cannot), so a value with them is
    // a mistake, not a miss.
    void no_nul(std::size_t start, json::value const& value) {
        if (!value.is_string()) return;
        std::string_view const text = value.get_string();
        if (text.find('\0') == std::string_view::npos && is_valid_utf8(text)) return;
        pos_ = start;
        throw fail("a value must be UTF-8 text without NUL characters");
    }

    std::string_view text_;
    FilterLimits limits_;
    std::size_t pos_ = 0;
    std::size_t depth_ = 0;
    std::size_t terms_ = 0;
};

}  // namespace

Filter parse_filter(std::string_view text, FilterLimits limits) { return Parser(text, limits).parse(); }

}  // namespace scim
