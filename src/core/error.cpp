#include <chunkarr/core/error.hpp>

#include <exception>
#include <new>

namespace chunkarr {

void rethrow_with_context(const std::string& context) {
    rethrow_rewritten([&](const std::string& message) { return message + context; });
}

void rethrow_rewritten(const std::function<std::string(const std::string&)>& rewrite) {
    try {
        throw;
    } catch (const CancelledError&) {
        throw;  // a cancellation is not about any chunk
    } catch (const UserCodeError& e) {
        throw UserCodeError(rewrite(e.what()), e.original());
    } catch (const IOError& e) {
        throw IOError(rewrite(e.what()));
    } catch (const FormatError& e) {
        throw FormatError(rewrite(e.what()));
    } catch (const ValueError& e) {
        throw ValueError(rewrite(e.what()));
    } catch (const KeyError& e) {
        throw KeyError(rewrite(e.what()));
    } catch (const MemoryBudgetError& e) {
        throw MemoryBudgetError(rewrite(e.what()));
    } catch (const Error& e) {
        throw Error(rewrite(e.what()));
    } catch (const std::bad_alloc&) {
        throw MemoryBudgetError(rewrite("out of memory"));
    } catch (const std::exception& e) {
        throw Error(rewrite(e.what()));
    }
}

}  // namespace chunkarr
