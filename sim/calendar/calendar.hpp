#pragma once
// Dates, bank holidays and working-day arithmetic for the day-by-day engine.
//
// Why the engine needs working days at all: statutory timescales in English
// children's social care (Working Together to Safeguard Children) are counted in
// working days -- e.g. an assessment within 45 working days, an initial child
// protection conference within 15 working days of the strategy discussion -- so
// a deadline set on a Friday before Christmas falls much later than one set in
// March. National statistics (DfE children in need, children looked after) are
// reported for years ending 31 March, so outputs are binned by that year too.
//
// This is a plain calendar: it knows nothing about safeguarding.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sgsim {

// The mean length of a year in days (Julian year), for turning yearly rates into
// daily ones and daily counts into yearly rates.
inline constexpr double kDaysPerYear = 365.25;

// A civil date as a day count, so dates are cheap to store per agent and to
// compare or subtract. Proleptic Gregorian calendar.
struct Date {
  int32_t serial;  // days since 1970-01-01
  auto operator<=>(const Date&) const = default;
};

// Strict "YYYY-MM-DD" (scenario files must not be ambiguous): rejects impossible
// dates such as 2023-02-29, unpadded fields and trailing text.
std::optional<Date> parse_iso_date(std::string_view text);
std::string format_iso(Date d);
// Throws std::invalid_argument if (y, m, d) is not a real date.
Date make_date(int y, unsigned m, unsigned d);
int weekday(Date d);  // 0 = Monday .. 6 = Sunday (ISO 8601)
int year_of(Date d);

enum class HolidayRule { none, england_and_wales };
std::optional<HolidayRule> parse_holiday_rule(std::string_view text);  // "none", "england_and_wales"
std::string_view holiday_rule_name(HolidayRule rule);

Date easter_sunday(int year);  // Gregorian (anonymous algorithm); year >= 1
// The bank holidays of one calendar year in date order (substitute days included,
// so every one is a weekday). Empty for HolidayRule::none and for years < 1.
std::vector<Date> bank_holidays(int year, HolidayRule rule);
bool is_bank_holiday(Date d, HolidayRule rule);

// Maps the engine's day index (0 = start date) to dates and answers working-day
// and reporting-year questions. Day indices outside [0, days) are allowed: events
// may be dated before the run (histories) or due after it (deadlines).
class Calendar {
 public:
  Calendar(Date start, int32_t days, HolidayRule rule);  // days >= 0

  Date start() const { return start_; }
  int32_t days() const { return days_; }
  HolidayRule rule() const { return rule_; }

  Date date(int32_t day) const { return Date{start_.serial + day}; }
  int32_t day_of(Date d) const { return d.serial - start_.serial; }

  bool is_working_day(int32_t day) const;  // Mon-Fri and not a bank holiday
  // The day a task of n working days started on `day` falls due: day itself not
  // counted, n = 0 gives `day`. Negative n counts back: the latest day d with
  // exactly -n working days in [d, day).
  int32_t add_working_days(int32_t day, int32_t n) const;
  // Working days in (a, b]: the largest k with add_working_days(a, k) <= b.
  // Antisymmetric: between(b, a) == -between(a, b).
  int32_t working_days_between(int32_t a, int32_t b) const;

  // Year to 31 March, named by the calendar year it starts in
  // (2024-04-01..2025-03-31 -> 2024, label "2024/25").
  int reporting_year(int32_t day) const;
  std::string reporting_year_label(int32_t day) const;
  bool is_reporting_year_end(int32_t day) const;  // 31 March
  int calendar_year(int32_t day) const;

  // Ages and birthdays, in whole calendar years (a child born on 29 February has
  // birthdays on 1 March in other years, as in English law for coming of age).
  int32_t anniversary(int32_t day, int years) const;    // the day `years` after `day`
  int whole_years_between(int32_t from, int32_t to) const;  // age on `to` of someone born on `from`

 private:
  int64_t index(int64_t day) const { return day - first_; }  // into cum_

  Date start_;
  int32_t days_;
  HolidayRule rule_;
  // Precomputed window [first_, first_ + cum_.size() - 1) of day indices. cum_[i]
  // counts working days in [first_, first_ + i); working_ lists them in order, so
  // both is_working_day and add_working_days are O(1) inside the window.
  int64_t first_;
  std::vector<int32_t> cum_;
  std::vector<int32_t> working_;
};

}  // namespace sgsim
