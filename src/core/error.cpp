#include <chunkarr/core/error.hpp>

#include <exception>
#include <new>

namespace chunkarr {

namespace {
std::string append(const std::exception& e, const std::string& context) {
    std::string message = e.what();
    message += context;
    return message;
}
}  // namespace

void rethrow_with_context(const std::string& context) {
    try {
        throw;
    } catch (const CancelledError&) {
        throw;  // a cancellation is not about any chunk
    } catch (const UserCodeError& e) {
        throw UserCodeError(append(e, context), e.original());
    } catch (const IOError& e) {
        throw IOError(append(e, context));
    } catch (const FormatError& e) {
        throw FormatError(append(e, context));
    } catch (const ValueError& e) {
        throw ValueError(append(e, context));
    } catch (const KeyError& e) {
        throw KeyError(append(e, context));
    } catch (const MemoryBudgetError& e) {
        throw MemoryBudgetError(append(e, context));
    } catch (const Error& e) {
        throw Error(append(e, context));
    } catch (const std::bad_alloc&) {
        throw MemoryBudgetError(std::string("out of memory") += context);
    } catch (const std::exception& e) {
        throw Error(append(e, context));
    }
}

}  // namespace chunkarr
