#include "sim/calendar/calendar.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace sgsim {
namespace {

namespace chr = std::chrono;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t floor_mod(int64_t a, int64_t b) { return a - b * floor_div(a, b); }

Date from_sys(chr::sys_days sd) { return Date{static_cast<int32_t>(sd.time_since_epoch().count())}; }
chr::sys_days to_sys(Date d) { return chr::sys_days{chr::days{d.serial}}; }
chr::year_month_day to_ymd(Date d) { return chr::year_month_day{to_sys(d)}; }

// One-off changes to the England and Wales pattern, from "gov.uk bank holidays"
// (https://www.gov.uk/bank-holidays and its archived predecessors). A `false`
// entry removes the usual date when the holiday was moved that year.
struct OneOff {
  int y;
  unsigned m, d;
  bool holiday;
  const char* why;
};
constexpr OneOff kOneOffs[] = {
    {1995, 5, 1, false, "early May moved to 8 May (VE Day 50th anniversary)"},
    {1995, 5, 8, true, "early May bank holiday, moved"},
    {1999, 12, 31, true, "millennium"},
    {2002, 5, 27, false, "spring moved to 4 June"},
    {2002, 6, 3, true, "Golden Jubilee"},
    {2002, 6, 4, true, "spring bank holiday, moved"},
    {2011, 4, 29, true, "royal wedding"},
    {2012, 5, 28, false, "spring moved to 4 June"},
    {2012, 6, 4, true, "spring bank holiday, moved"},
    {2012, 6, 5, true, "Diamond Jubilee"},
    {2020, 5, 4, false, "early May moved to Friday 8 May (VE Day 75th anniversary)"},
    {2020, 5, 8, true, "early May bank holiday, moved"},
    {2022, 5, 30, false, "spring moved to Thursday 2 June"},
    {2022, 6, 2, true, "spring bank holiday, moved"},
    {2022, 6, 3, true, "Platinum Jubilee"},
    {2022, 9, 19, true, "state funeral of Queen Elizabeth II"},
    {2023, 5, 8, true, "coronation of King Charles III"},
};

// Weekdays (Mon-Fri) among serials [-3, s): a prefix count, so any interval is a
// difference of two calls. Serial 0 (1970-01-01) is a Thursday, so s + 3 counts
// from a Monday.
int64_t weekdays_before(int64_t s) {
  const int64_t t = s + 3;
  return 5 * floor_div(t, 7) + std::min<int64_t>(floor_mod(t, 7), 5);
}

bool is_working_serial(int64_t s, HolidayRule rule) {
  const Date d{static_cast<int32_t>(s)};
  return weekday(d) < 5 && !is_bank_holiday(d, rule);
}

// Working days among serials (a, b], a <= b, without any precomputed table: the
// cost is per calendar year spanned, not per day.
int64_t count_working(int64_t a, int64_t b, HolidayRule rule) {
  if (a >= b) return 0;
  int64_t n = weekdays_before(b + 1) - weekdays_before(a + 1);
  const int y0 = year_of(Date{static_cast<int32_t>(a + 1)});
  const int y1 = year_of(Date{static_cast<int32_t>(b)});
  for (int y = y0; y <= y1; ++y)
    for (Date h : bank_holidays(y, rule))
      if (h.serial > a && h.serial <= b && weekday(h) < 5) --n;
  return n;
}

// Outside the precomputed window: leap whole weeks that cannot reach the target
// (a week holds at most 5 working days), then finish day by day.
int64_t add_working_fallback(int64_t s, int64_t n, HolidayRule rule) {
  if (n > 0) {
    while (n >= 10) {
      const int64_t jump = 7 * (n / 5 - 1);
      n -= count_working(s, s + jump, rule);
      s += jump;
    }
    while (n > 0)
      if (is_working_serial(++s, rule)) --n;
  } else {
    int64_t k = -n;
    while (k >= 10) {
      const int64_t jump = 7 * (k / 5 - 1);
      k -= count_working(s - jump - 1, s - 1, rule);
      s -= jump;
    }
    while (k > 0)
      if (is_working_serial(--s, rule)) --k;
  }
  return s;
}

// Margins around the simulated range: histories reach back a year; deadlines and
// follow-ups run on past the end of the run.
constexpr int64_t kMarginBefore = 400;
constexpr int64_t kMarginAfter = 4000;

}  // namespace

std::optional<Date> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto field = [&](size_t pos, size_t len) -> std::optional<int> {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  const auto y = field(0, 4), m = field(5, 2), d = field(8, 2);
  if (!y || !m || !d) return std::nullopt;
  const chr::year_month_day ymd{chr::year{*y}, chr::month{static_cast<unsigned>(*m)},
                                chr::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return from_sys(chr::sys_days{ymd});
}

std::string format_iso(Date d) {
  const auto ymd = to_ymd(d);
  const int y = static_cast<int>(ymd.year());
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%04d-%02u-%02u", y < 0 ? "-" : "", y < 0 ? -y : y,
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Date make_date(int y, unsigned m, unsigned d) {
  // Range-check first: chrono's year/month/day hold their values in narrow types.
  if (y < -32767 || y > 32767 || m > 12 || d > 31)
    throw std::invalid_argument("make_date: no such date");
  const chr::year_month_day ymd{chr::year{y}, chr::month{m}, chr::day{d}};
  if (!ymd.ok()) throw std::invalid_argument("make_date: no such date");
  return from_sys(chr::sys_days{ymd});
}

int weekday(Date d) { return static_cast<int>(floor_mod(int64_t{d.serial} + 3, 7)); }

int year_of(Date d) { return static_cast<int>(to_ymd(d).year()); }

std::optional<HolidayRule> parse_holiday_rule(std::string_view text) {
  if (text == "none") return HolidayRule::none;
  if (text == "england_and_wales") return HolidayRule::england_and_wales;
  return std::nullopt;
}

std::string_view holiday_rule_name(HolidayRule rule) {
  return rule == HolidayRule::england_and_wales ? "england_and_wales" : "none";
}

Date easter_sunday(int year) {
  const int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int n = h + l - 7 * m + 114;
  return make_date(year, static_cast<unsigned>(n / 31), static_cast<unsigned>(n % 31 + 1));
}

// The standing pattern is the one in force since 1978 (early May holiday); it is
// applied to every year, as the simulator only lives near the present.
std::vector<Date> bank_holidays(int year, HolidayRule rule) {
  if (rule == HolidayRule::none || year < 1 || year > 32767) return {};
  const chr::year y{year};
  std::vector<Date> out;
  out.reserve(12);

  // A holiday that falls on a weekend is "substituted" by the next free weekday.
  const Date new_year = make_date(year, 1, 1);
  out.push_back(Date{new_year.serial + (weekday(new_year) == 5 ? 2 : weekday(new_year) == 6 ? 1 : 0)});

  const Date easter = easter_sunday(year);
  out.push_back(Date{easter.serial - 2});  // Good Friday
  out.push_back(Date{easter.serial + 1});  // Easter Monday
  out.push_back(from_sys(chr::sys_days{y / chr::May / chr::Monday[1]}));
  out.push_back(from_sys(chr::sys_days{y / chr::May / chr::Monday[chr::last]}));
  out.push_back(from_sys(chr::sys_days{y / chr::August / chr::Monday[chr::last]}));

  const Date xmas = make_date(year, 12, 25);
  switch (weekday(xmas)) {
    case 4: out.insert(out.end(), {xmas, Date{xmas.serial + 3}}); break;                   // Fri: Boxing -> Mon 28
    case 5: out.insert(out.end(), {Date{xmas.serial + 2}, Date{xmas.serial + 3}}); break;  // Sat: Mon 27, Tue 28
    case 6: out.insert(out.end(), {Date{xmas.serial + 1}, Date{xmas.serial + 2}}); break;  // Sun: Mon 26, Tue 27
    default: out.insert(out.end(), {xmas, Date{xmas.serial + 1}}); break;
  }

  for (const OneOff& o : kOneOffs) {
    if (o.y != year) continue;
    const Date d = make_date(o.y, o.m, o.d);
    if (o.holiday)
      out.push_back(d);
    else
      out.erase(std::remove(out.begin(), out.end(), d), out.end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool is_bank_holiday(Date d, HolidayRule rule) {
  if (rule == HolidayRule::none || weekday(d) >= 5) return false;  // all are weekdays
  const auto hs = bank_holidays(year_of(d), rule);
  return std::binary_search(hs.begin(), hs.end(), d);
}

Calendar::Calendar(Date start, int32_t days, HolidayRule rule)
    : start_(start), days_(days), rule_(rule), first_(-kMarginBefore) {
  if (days < 0) throw std::invalid_argument("Calendar: negative number of days");
  const int64_t size = int64_t{days} + kMarginBefore + kMarginAfter;
  const int64_t s0 = int64_t{start.serial} + first_;

  std::vector<bool> holiday(static_cast<size_t>(size), false);
  const int y1 = year_of(Date{static_cast<int32_t>(s0 + size - 1)});
  for (int y = year_of(Date{static_cast<int32_t>(s0)}); y <= y1; ++y)
    for (Date h : bank_holidays(y, rule))
      if (h.serial >= s0 && h.serial < s0 + size) holiday[static_cast<size_t>(h.serial - s0)] = true;

  cum_.assign(static_cast<size_t>(size) + 1, 0);
  for (int64_t i = 0; i < size; ++i) {
    const bool work = weekday(Date{static_cast<int32_t>(s0 + i)}) < 5 && !holiday[static_cast<size_t>(i)];
    cum_[static_cast<size_t>(i) + 1] = cum_[static_cast<size_t>(i)] + (work ? 1 : 0);
    if (work) working_.push_back(static_cast<int32_t>(first_ + i));
  }
}

bool Calendar::is_working_day(int32_t day) const {
  const int64_t i = index(day);
  if (i >= 0 && i + 1 < static_cast<int64_t>(cum_.size()))
    return cum_[static_cast<size_t>(i) + 1] != cum_[static_cast<size_t>(i)];
  return is_working_serial(int64_t{start_.serial} + day, rule_);
}

int32_t Calendar::add_working_days(int32_t day, int32_t n) const {
  if (n == 0) return day;
  const int64_t top = static_cast<int64_t>(cum_.size()) - 1;
  // Rank of `day` among the window's working days, then index straight into working_.
  const int64_t i = index(day) + (n > 0 ? 1 : 0);
  if (i >= 0 && i <= top) {
    const int64_t k = cum_[static_cast<size_t>(i)] + (n > 0 ? n - 1 : n);
    if (k >= 0 && k < static_cast<int64_t>(working_.size())) return working_[static_cast<size_t>(k)];
  }
  const int64_t s = add_working_fallback(int64_t{start_.serial} + day, n, rule_);
  return static_cast<int32_t>(s - start_.serial);
}

int32_t Calendar::working_days_between(int32_t a, int32_t b) const {
  if (a > b) return -working_days_between(b, a);
  const int64_t ia = index(a) + 1, ib = index(b) + 1;
  if (ia >= 0 && ib < static_cast<int64_t>(cum_.size()))
    return cum_[static_cast<size_t>(ib)] - cum_[static_cast<size_t>(ia)];
  return static_cast<int32_t>(count_working(int64_t{start_.serial} + a, int64_t{start_.serial} + b, rule_));
}

int Calendar::reporting_year(int32_t day) const {
  const auto ymd = to_ymd(date(day));
  const int y = static_cast<int>(ymd.year());
  return ymd.month() >= std::chrono::April ? y : y - 1;
}

std::string Calendar::reporting_year_label(int32_t day) const {
  const int y = reporting_year(day);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%d/%02d", y, static_cast<int>(floor_mod(y + 1, 100)));
  return buf;
}

bool Calendar::is_reporting_year_end(int32_t day) const {
  const auto ymd = to_ymd(date(day));
  return ymd.month() == std::chrono::March && ymd.day() == std::chrono::day{31};
}

int Calendar::calendar_year(int32_t day) const { return year_of(date(day)); }

int32_t Calendar::anniversary(int32_t day, int years) const {
  using namespace std::chrono;
  const year_month_day b{sys_days{std::chrono::days{date(day).serial}}};
  year_month_day at = b + std::chrono::years{years};
  if (!at.ok()) at = year_month_day{at.year(), March, std::chrono::day{1}};
  return day_of(Date{static_cast<int32_t>(sys_days{at}.time_since_epoch().count())});
}

namespace {
// Every day from 1900-01-01 to 2199-12-31 as the number yyyymmdd. Ages are asked
// for millions of times a run (every hazard and every agency's observation reads
// one), and the age on `to` of someone born on `from` is the difference of two
// of these divided by 10,000, rounded down: the month and day decide the borrow
// exactly as the comparison of (month, day) does.
constexpr int32_t kYmdFirst = -25567;  // 1900-01-01 as days since 1970-01-01
constexpr int32_t kYmdLast = 84005;    // 2199-12-31
const std::vector<int32_t>& ymd_table() {
  static const std::vector<int32_t> table = [] {
    std::vector<int32_t> t;
    t.reserve(static_cast<size_t>(kYmdLast - kYmdFirst + 1));
    for (int32_t s = kYmdFirst; s <= kYmdLast; ++s) {
      const std::chrono::year_month_day d{std::chrono::sys_days{std::chrono::days{s}}};
      t.push_back(static_cast<int>(d.year()) * 10000 + static_cast<int>(static_cast<unsigned>(d.month())) * 100 +
                  static_cast<int>(static_cast<unsigned>(d.day())));
    }
    return t;
  }();
  return table;
}
}  // namespace

int Calendar::whole_years_between(int32_t from, int32_t to) const {
  using namespace std::chrono;
  const int64_t sf = int64_t{start_.serial} + from, st = int64_t{start_.serial} + to;
  if (sf >= kYmdFirst && sf <= kYmdLast && st >= kYmdFirst && st <= kYmdLast) {
    const std::vector<int32_t>& ymd = ymd_table();
    const int32_t diff = ymd[static_cast<size_t>(st - kYmdFirst)] - ymd[static_cast<size_t>(sf - kYmdFirst)];
    return diff >= 0 ? diff / 10000 : -((-diff + 9999) / 10000);
  }
  const year_month_day b{sys_days{std::chrono::days{date(from).serial}}};
  const year_month_day t{sys_days{std::chrono::days{date(to).serial}}};
  int age = static_cast<int>(t.year()) - static_cast<int>(b.year());
  if (t.month() < b.month() || (t.month() == b.month() && t.day() < b.day())) --age;
  return age;
}

}  // namespace sgsim
