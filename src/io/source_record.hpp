#pragma once
// The engine's sources recorded for making them again in another process (pickling), keyed by
// kind: generators by their parameters, memory by its data, files by path and variable (opened
// again when read back: the file must exist there, unchanged), many files by their parts.
// Sources of the embedding language (a NumPy array in Python) are not the engine's to record.
#include <chunkarr/io/source.hpp>

#include "core/record.hpp"

namespace chunkarr {

// Writes the kind and parameters of `source`; false (nothing written) for a source of a kind
// the engine cannot record.
bool write_source_record(const Source& source, RecordWriter& out);
// The source a record written by write_source_record describes (a file is opened again).
SourcePtr read_source_record(RecordReader& in);

}  // namespace chunkarr
