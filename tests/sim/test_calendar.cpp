#include "sim/calendar/calendar.hpp"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace sgsim {
namespace {

Date D(std::string_view iso) { return parse_iso_date(iso).value(); }

std::vector<Date> Ds(std::initializer_list<std::string_view> isos) {
  std::vector<Date> out;
  for (auto s : isos) out.push_back(D(s));
  return out;
}

// Reference definitions that share nothing with Calendar's precomputed tables.
bool naive_working(Date d, HolidayRule r) { return weekday(d) < 5 && !is_bank_holiday(d, r); }

Date naive_add(Date d, int n, HolidayRule r) {
  while (n > 0)
    if (naive_working(d = Date{d.serial + 1}, r)) --n;
  return d;
}

int naive_between(Date a, Date b, HolidayRule r) {
  int n = 0;
  for (int32_t s = a.serial + 1; s <= b.serial; ++s) n += naive_working(Date{s}, r) ? 1 : 0;
  return n;
}

constexpr auto EW = HolidayRule::england_and_wales;

TEST(Calendar, ParseIsoAcceptsRealDates) {
  EXPECT_EQ(parse_iso_date("1970-01-01"), Date{0});
  EXPECT_EQ(parse_iso_date("1969-12-31"), Date{-1});
  EXPECT_EQ(parse_iso_date("2000-03-01")->serial, 11017);
  for (auto ok : {"2024-02-29", "2000-02-29", "2024-12-31", "0001-01-01", "9999-12-31"})
    EXPECT_TRUE(parse_iso_date(ok).has_value()) << ok;
}

TEST(Calendar, ParseIsoRejectsBadInput) {
  for (auto bad : {"2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00",
                   "2024-4-1", "2024-04-1", "24-04-01", "2024/04/01", "2024-04-01x", "2024-04-01 ",
                   " 2024-04-01", "2024-04-01T00:00", "", "abcd-ef-gh", "+024-04-01", "2024-0a-01"})
    EXPECT_FALSE(parse_iso_date(bad).has_value()) << '"' << bad << '"';
}

TEST(Calendar, FormatRoundTrip) {
  for (auto s : {"2024-02-29", "1970-01-01", "1969-12-31", "1900-03-01", "2099-12-31", "0001-01-01"})
    EXPECT_EQ(format_iso(D(s)), s);
  for (int32_t serial = -200000; serial <= 200000; serial += 997)
    EXPECT_EQ(parse_iso_date(format_iso(Date{serial})), Date{serial});
}

TEST(Calendar, MakeDate) {
  EXPECT_EQ(make_date(2024, 2, 29), D("2024-02-29"));
  EXPECT_THROW(make_date(2023, 2, 29), std::invalid_argument);
  EXPECT_THROW(make_date(2024, 0, 1), std::invalid_argument);
  EXPECT_THROW(make_date(2024, 257, 1), std::invalid_argument);
  EXPECT_THROW(make_date(2024, 1, 32), std::invalid_argument);
  EXPECT_THROW(make_date(100000, 1, 1), std::invalid_argument);
}

TEST(Calendar, Weekdays) {
  EXPECT_EQ(weekday(D("1970-01-01")), 3);  // Thursday
  EXPECT_EQ(weekday(D("1969-12-29")), 0);  // Monday, negative serial
  EXPECT_EQ(weekday(D("2000-01-01")), 5);
  EXPECT_EQ(weekday(D("2024-12-20")), 4);
  EXPECT_EQ(weekday(D("2025-01-05")), 6);
  for (int32_t s = -1000; s < 1000; ++s) EXPECT_EQ(weekday(Date{s + 1}), (weekday(Date{s}) + 1) % 7);
}

TEST(Calendar, HolidayRuleNames) {
  EXPECT_EQ(parse_holiday_rule("none"), HolidayRule::none);
  EXPECT_EQ(parse_holiday_rule("england_and_wales"), EW);
  EXPECT_FALSE(parse_holiday_rule("England_and_Wales").has_value());
  EXPECT_FALSE(parse_holiday_rule("scotland").has_value());
  EXPECT_EQ(holiday_rule_name(EW), "england_and_wales");
  EXPECT_EQ(holiday_rule_name(HolidayRule::none), "none");
}

TEST(Calendar, EasterSunday) {
  EXPECT_EQ(easter_sunday(2024), D("2024-03-31"));
  EXPECT_EQ(easter_sunday(2025), D("2025-04-20"));
  EXPECT_EQ(easter_sunday(2000), D("2000-04-23"));
  EXPECT_EQ(easter_sunday(2038), D("2038-04-25"));  // latest possible
  EXPECT_EQ(easter_sunday(2285), D("2285-03-22"));  // earliest possible
}

TEST(Calendar, EnglandAndWalesBankHolidays) {
  EXPECT_EQ(bank_holidays(2024, EW), Ds({"2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27",
                                         "2024-08-26", "2024-12-25", "2024-12-26"}));
  EXPECT_EQ(bank_holidays(2025, EW), Ds({"2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26",
                                         "2025-08-25", "2025-12-25", "2025-12-26"}));
  // Substitute New Year and Christmas, moved spring holiday, jubilee, state funeral.
  EXPECT_EQ(bank_holidays(2022, EW), Ds({"2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02",
                                         "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"}));
  // Boxing Day on a Saturday: substitute Monday 28th.
  EXPECT_EQ(bank_holidays(2020, EW), Ds({"2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25",
                                         "2020-08-31", "2020-12-25", "2020-12-28"}));
  // Christmas on a Saturday: Monday 27th and Tuesday 28th.
  EXPECT_EQ(bank_holidays(2021, EW), Ds({"2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31",
                                         "2021-08-30", "2021-12-27", "2021-12-28"}));
  EXPECT_EQ(bank_holidays(2023, EW).size(), 9u);  // coronation
  EXPECT_EQ(bank_holidays(2012, EW).size(), 9u);  // spring moved + Diamond Jubilee
  EXPECT_TRUE(is_bank_holiday(D("1999-12-31"), EW));
  EXPECT_TRUE(is_bank_holiday(D("2011-04-29"), EW));
  EXPECT_FALSE(is_bank_holiday(D("1995-05-01"), EW));
  EXPECT_TRUE(is_bank_holiday(D("1995-05-08"), EW));
  EXPECT_FALSE(is_bank_holiday(D("2022-05-30"), EW));
  EXPECT_FALSE(is_bank_holiday(D("2022-01-01"), EW));  // Saturday; substituted
}

TEST(Calendar, NoneRuleHasNoHolidays) {
  EXPECT_TRUE(bank_holidays(2024, HolidayRule::none).empty());
  for (auto d : bank_holidays(2022, EW)) EXPECT_FALSE(is_bank_holiday(d, HolidayRule::none));
  const Calendar cal(D("2024-12-20"), 30, HolidayRule::none);
  EXPECT_EQ(cal.date(cal.add_working_days(0, 5)), D("2024-12-27"));
}

TEST(Calendar, WorkingDayArithmetic) {
  const Calendar cal(D("2024-01-01"), 366, EW);
  auto add = [&](std::string_view from, int n) { return cal.date(cal.add_working_days(cal.day_of(D(from)), n)); };
  EXPECT_EQ(add("2024-12-20", 5), D("2024-12-31"));  // over Christmas and Boxing Day
  EXPECT_EQ(add("2024-12-20", 0), D("2024-12-20"));
  EXPECT_EQ(add("2024-12-21", 0), D("2024-12-21"));  // n = 0 is the day itself, even a Saturday
  EXPECT_EQ(add("2024-12-21", 1), D("2024-12-23"));
  EXPECT_EQ(add("2020-12-24", 1), D("2020-12-29"));  // before the window: fallback path
  EXPECT_EQ(add("2024-03-01", 45), D("2024-05-08"));  // assessment: Easter and early May lost
  EXPECT_EQ(add("2024-12-31", 2), D("2025-01-03"));
  // Counting back: the 1st working day before Monday is the Friday.
  EXPECT_EQ(add("2024-12-23", -1), D("2024-12-20"));
  EXPECT_EQ(add("2024-12-31", -5), D("2024-12-20"));
  EXPECT_TRUE(cal.is_working_day(cal.day_of(D("2024-12-24"))));
  EXPECT_FALSE(cal.is_working_day(cal.day_of(D("2024-12-25"))));
  EXPECT_FALSE(cal.is_working_day(cal.day_of(D("2024-12-28"))));
}

TEST(Calendar, WorkingDaysBetweenSignAndSymmetry) {
  const Calendar cal(D("2024-12-16"), 60, EW);
  const int32_t fri = cal.day_of(D("2024-12-20")), tue = cal.day_of(D("2024-12-31"));
  EXPECT_EQ(cal.working_days_between(fri, tue), 5);
  EXPECT_EQ(cal.working_days_between(tue, fri), -5);
  EXPECT_EQ(cal.working_days_between(fri, fri), 0);
  EXPECT_EQ(cal.working_days_between(fri, fri + 1), 0);  // Saturday
  EXPECT_EQ(cal.working_days_between(fri - 1, fri), 1);
  for (int32_t a = -30; a < 60; a += 7)
    for (int32_t b = -30; b < 60; b += 3) EXPECT_EQ(cal.working_days_between(a, b), -cal.working_days_between(b, a));
}

TEST(Calendar, AddAndBetweenAgreeWithNaiveCount) {
  const Calendar cal(D("2019-04-01"), 6 * 365, EW);
  std::mt19937 rng(20240401);
  std::uniform_int_distribution<int32_t> start(-400, 6 * 365 + 400);
  for (int trial = 0; trial < 300; ++trial) {
    const int32_t day = start(rng);
    Date expected = cal.date(day);  // walked forward one working day per n
    for (int n = 0; n <= 60; ++n) {
      if (n > 0) expected = naive_add(expected, 1, EW);
      const int32_t due = cal.add_working_days(day, n);
      ASSERT_EQ(cal.date(due), expected) << format_iso(cal.date(day)) << " + " << n;
      ASSERT_EQ(cal.working_days_between(day, due), n);
      ASSERT_EQ(cal.working_days_between(day, due + 1), n + (naive_working(cal.date(due + 1), EW) ? 1 : 0));
      if (n > 0) {
        ASSERT_LE(cal.add_working_days(due, -n), day);
      }
    }
    ASSERT_EQ(cal.working_days_between(day, day + 90), naive_between(cal.date(day), cal.date(day + 90), EW));
    for (int32_t d = day; d < day + 90; ++d) ASSERT_EQ(cal.is_working_day(d), naive_working(cal.date(d), EW));
  }
}

TEST(Calendar, FallbackOutsideWindowMatchesWindow) {
  // `far` precomputes only around 1950, so every 2020s query takes the fallback path.
  const Calendar near(D("2020-01-01"), 3650, EW), far(D("1950-01-01"), 0, EW);
  std::mt19937 rng(7);
  std::uniform_int_distribution<int32_t> start(0, 2000), len(0, 1500);
  for (int trial = 0; trial < 200; ++trial) {
    const Date a = near.date(start(rng));
    const int32_t n = len(rng) * (trial % 2 == 0 ? 1 : -1);
    const Date b = near.date(near.add_working_days(near.day_of(a), n));
    ASSERT_EQ(far.date(far.add_working_days(far.day_of(a), n)), b) << format_iso(a) << " " << n;
    ASSERT_EQ(far.working_days_between(far.day_of(a), far.day_of(b)),
              near.working_days_between(near.day_of(a), near.day_of(b)));
    ASSERT_EQ(far.is_working_day(far.day_of(b)), near.is_working_day(near.day_of(b)));
  }
}

// Age by comparing fields, as the law counts it; Calendar reads a table of
// yyyymmdd numbers inside 1900-2199 and does this outside it.
int naive_age(Date birth, Date on) {
  const std::string b = format_iso(birth), t = format_iso(on);
  int age = std::stoi(t.substr(0, 4)) - std::stoi(b.substr(0, 4));
  if (t.substr(5) < b.substr(5)) --age;
  return age;
}

TEST(Calendar, WholeYearsBetweenIsTheAgeInsideAndOutsideTheTable) {
  const Calendar cal(D("2024-04-01"), 3650, EW);
  const auto age = [&](std::string_view birth, std::string_view on) {
    return cal.whole_years_between(cal.day_of(D(birth)), cal.day_of(D(on)));
  };
  EXPECT_EQ(age("2008-02-29", "2026-02-28"), 17);  // a leap-day birthday falls on 1 March
  EXPECT_EQ(age("2008-02-29", "2026-03-01"), 18);
  EXPECT_EQ(age("2008-02-29", "2028-02-29"), 20);
  EXPECT_EQ(age("2010-06-15", "2010-06-15"), 0);
  EXPECT_EQ(age("2010-06-15", "2010-06-14"), -1);  // not yet born: rounded down
  EXPECT_EQ(age("2011-06-15", "2010-06-15"), -1);
  EXPECT_EQ(age("2011-06-15", "2010-06-14"), -2);
  EXPECT_EQ(age("1899-12-31", "1900-12-31"), 1);   // one end outside the table
  EXPECT_EQ(age("2190-01-01", "2205-01-01"), 15);
  std::mt19937 rng(11);
  std::uniform_int_distribution<int32_t> day(-60000, 70000);  // 1860 to 2216 from the start
  for (int trial = 0; trial < 20000; ++trial) {
    const int32_t a = day(rng), b = trial % 4 == 0 ? day(rng) : a + day(rng) / 8;
    ASSERT_EQ(cal.whole_years_between(a, b), naive_age(cal.date(a), cal.date(b)))
        << format_iso(cal.date(a)) << " " << format_iso(cal.date(b));
  }
}

TEST(Calendar, ReportingYear) {
  const Calendar cal(D("2023-01-01"), 1000, EW);
  const int32_t mar31 = cal.day_of(D("2024-03-31")), apr1 = cal.day_of(D("2024-04-01"));
  EXPECT_EQ(cal.reporting_year(mar31), 2023);
  EXPECT_EQ(cal.reporting_year_label(mar31), "2023/24");
  EXPECT_EQ(cal.reporting_year(apr1), 2024);
  EXPECT_EQ(cal.reporting_year_label(apr1), "2024/25");
  EXPECT_EQ(cal.reporting_year_label(cal.day_of(D("1999-06-01"))), "1999/00");
  EXPECT_TRUE(cal.is_reporting_year_end(mar31));
  EXPECT_FALSE(cal.is_reporting_year_end(apr1));
  EXPECT_FALSE(cal.is_reporting_year_end(cal.day_of(D("2024-03-30"))));
  EXPECT_EQ(cal.calendar_year(mar31), 2024);
  EXPECT_EQ(cal.calendar_year(cal.day_of(D("2022-12-31"))), 2022);
}

TEST(Calendar, DayOfIsInverseOfDate) {
  const Calendar cal(D("2024-04-01"), 365, EW);
  EXPECT_EQ(cal.start(), D("2024-04-01"));
  EXPECT_EQ(cal.days(), 365);
  EXPECT_EQ(cal.date(0), D("2024-04-01"));
  EXPECT_EQ(cal.date(-1), D("2024-03-31"));
  EXPECT_EQ(cal.date(365), D("2025-04-01"));
  for (int32_t day = -100000; day <= 1000000; day += 1237) EXPECT_EQ(cal.day_of(cal.date(day)), day);
  EXPECT_EQ(cal.day_of(D("2100-01-01")), D("2100-01-01").serial - D("2024-04-01").serial);
  EXPECT_THROW(Calendar(D("2024-04-01"), -1, EW), std::invalid_argument);
}

}  // namespace
}  // namespace sgsim
