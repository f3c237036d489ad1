// Runs a callable that must throw scim::Error and returns the error, so tests can assert status and scimType.
#pragma once

#include <doctest/doctest.h>

#include "scim/error.hpp"

template <class F>
scim::Error expect_error(F&& f) {
    try {
        f();
    } catch (scim::Error const& e) {
        return e;
    }
    FAIL("expected a scim::Error");
    return scim::Error::internal();
}
