#include <chunkarr/core/options.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>

namespace chunkarr {

int physical_core_count() {
    // Distinct (package, core) pairs of the online CPUs; hyper-threads share a pair.
    std::set<std::pair<int, int>> cores;
    const unsigned logical = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned cpu = 0; cpu < 4096; ++cpu) {
        const std::string base = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
        std::ifstream core_file(base + "core_id"), package_file(base + "physical_package_id");
        int core = -1, package = -1;
        if (!(core_file >> core) || !(package_file >> package)) {
            if (cpu >= logical) break;
            continue;
        }
        cores.insert({package, core});
    }
    const int physical = static_cast<int>(cores.size());
    // Containers may restrict us to fewer CPUs than the machine has.
    return std::clamp(physical > 0 ? physical : static_cast<int>(logical), 1, static_cast<int>(logical));
}

std::size_t physical_memory_bytes() {
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page_size = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page_size <= 0) return 0;
    return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page_size);
}

std::size_t default_memory_limit() {
    return std::max<std::size_t>(physical_memory_bytes() / 4, std::size_t{256} << 20);
}

}  // namespace chunkarr
