// detail: what the sources of io/ share with HDF5 types in their signatures. Internal to io/:
// nothing outside sim/io/ includes this (or io/h5.hpp).
#pragma once

#include "core/files.hpp"
#include "experiment/record.hpp"
#include "io/h5.hpp"
#include "io/outcomes.hpp"
#include "io/results_file.hpp"
#include "io/tables.hpp"

#include <string>
#include <vector>

namespace sixparty::detail {

// the root attributes every results file carries: title, Conventions, version and git revision,
// command line, start time, RNG and threads
void write_file_metadata(hid_t root, const RunMetadata& meta);

// <group>/outcomes of an open file; `file` names it in messages
OutcomeTable read_outcomes(hid_t f, const std::string& file, const std::string& group);

// one table into an open file (replacing an older one at its path)
void write_table(hid_t f, const Table& t);

// flushes and closes a file written to `temp`, then commits the temporary (synced, renamed into
// place); a close that fails (disk full) or a failed commit throws h5::Error
void close_and_commit(h5::Handle& file, files::TempFile& temp);

// days from 1 January of `epoch` to a decimal year (proleptic Gregorian; month boundaries exact
// when steps_per_year divides 12)
double days_since(int epoch, double year, int steps_per_year);
// a group's CF time coordinate `time` (days since 1 January of the start year, at the end of each
// step) and its decimal years `year`
void write_time(hid_t g, double start_year, int steps, int steps_per_year, h5::Handle& time, h5::Handle& year);

// where each outcome column's variable starts in a run's values: (actor, second) row-major per variable
std::vector<std::size_t> column_starts(const std::vector<OutcomeColumn>& columns, std::size_t n);

}  // namespace sixparty::detail
