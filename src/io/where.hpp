#pragma once
// What a storage-library call is about, for its error message: the file, the object in it and,
// for attribute calls, the attribute. Views, so that naming the place costs nothing on every
// call; what they view must outlive the call.
#include <string>
#include <string_view>

namespace chunkarr {

struct Where {
    Where(std::string_view file_, std::string_view object_ = {}, std::string_view attribute_ = {})
        : file(file_), object(object_), attribute(attribute_) {}

    std::string_view file;
    std::string_view object;     // dataset, group or variable path; empty: the file itself
    std::string_view attribute;  // set when the call is about one attribute of `object`

    // "data.h5:/t2m", "data.h5:/t2m attribute units", "data.h5".
    std::string text() const {
        std::string result(file);
        if (!object.empty()) result.append(":").append(object);
        if (!attribute.empty()) result.append(" attribute ").append(attribute);
        return result;
    }
};

}  // namespace chunkarr
