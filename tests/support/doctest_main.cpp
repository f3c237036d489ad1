// The doctest entry point shared by every test binary. A run that selects no test case fails: ctest runs each
// case by name, and a name doctest cannot match (';' splits it) must not pass silently.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <iostream>

namespace {

int cases_started = 0;

struct CaseCounter : doctest::IReporter {
    explicit CaseCounter(doctest::ContextOptions const&) {}
    void report_query(doctest::QueryData const&) override {}
    void test_run_start() override {}
    void test_run_end(doctest::TestRunStats const&) override {}
    void test_case_start(doctest::TestCaseData const&) override { ++cases_started; }
    void test_case_reenter(doctest::TestCaseData const&) override {}
    void test_case_end(doctest::CurrentTestCaseStats const&) override {}
    void test_case_exception(doctest::TestCaseException const&) override {}
    void subcase_start(doctest::SubcaseSignature const&) override {}
    void subcase_end() override {}
    void log_assert(doctest::AssertData const&) override {}
    void log_message(doctest::MessageData const&) override {}
    void test_case_skipped(doctest::TestCaseData const&) override {}
};

REGISTER_LISTENER("case-counter", 1, CaseCounter);

}  // namespace

int main(int argc, char** argv) {
    doctest::Context context(argc, argv);
    int const result = context.run();
    if (context.shouldExit() || result != 0) return result;
    if (cases_started == 0) {
        std::cerr << "no test case matched the filter; a test name must not contain ';'\n";
        return 1;
    }
    return 0;
}
