// Racing requests: each thread connects first, then all send at the same moment, so that they really race.
#pragma once

#include <latch>
#include <thread>
#include <vector>

/// Calls `connect()` on each of `n` threads and, once every thread has its connection, `send(i, connection)`.
template <class Connect, class Send>
void race(int n, Connect connect, Send send) {
    std::latch start(n);
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            auto connection = connect();
            start.arrive_and_wait();
            send(i, connection);
        });
    for (auto& t : threads) t.join();
}
