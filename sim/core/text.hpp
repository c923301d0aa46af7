// text: small string helpers for messages (did-you-mean suggestions, number formatting).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sixparty {

// Levenshtein edit distance between two strings (bytes)
std::size_t edit_distance(std::string_view a, std::string_view b);

// the closest candidate within a small edit distance, or "" when none is close
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" when nothing is close
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c"
std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");

// shortest text that reads back as the same double
std::string format_number(double v);

// JSON and CSV: a number (null when not finite), a quoted escaped string, a CSV field
std::string json_number(double v);
std::string json_string(const std::string& s);
std::string csv_field(const std::string& s);

}  // namespace sixparty
