#pragma once
// A national run (sim/run/national.hpp): one World per local authority, stepped
// together, day by day. The Nation is what they share: where each authority is,
// services that span authorities (a national placement market, the national pool
// of secure beds), and the work those services do once a day after every
// authority's agencies phase. The engine knows nothing of what the services are;
// the model's modules create them by name the first time they are asked for
// (authorities initialise in table order, so that is deterministic) and register
// their daily work.
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/storage/state_archive.hpp"

namespace sgsim {

struct AuthorityInfo {
  std::string code, name, region;
  double x_km = 0, y_km = 0;               // the centre of the area on a national grid
  std::map<std::string, double> measures;  // the table's other numeric columns (e.g. provision_weight)
  double measure(const std::string& key, double fallback) const {
    auto it = measures.find(key);
    return it == measures.end() ? fallback : it->second;
  }
};

class Nation {
 public:
  std::vector<AuthorityInfo> authorities;

  double distance_km(size_t a, size_t b) const {
    return std::hypot(authorities[a].x_km - authorities[b].x_km, authorities[a].y_km - authorities[b].y_km);
  }

  // The shared service called `name`, made by `make` the first time. A service
  // has save/load like a module's, for checkpoints of a national run.
  template <class T>
  T& service(const std::string& name, const std::function<std::unique_ptr<T>()>& make) {
    auto& slot = services_[name];
    if (!slot.object) {
      slot.object = std::shared_ptr<void>(make().release(), [](void* p) { delete static_cast<T*>(p); });
      T* t = static_cast<T*>(slot.object.get());
      slot.save = [t](StateOut& ar) { t->save(ar); };
      slot.load = [t](StateIn& ar) { t->load(ar); };
    }
    return *static_cast<T*>(slot.object.get());
  }

  // Checkpoints: every service's state, by name.
  void save(StateOut& ar) const {
    ar(services_.size());
    for (const auto& [name, slot] : services_) {
      ar(name);
      slot.save(ar);
    }
  }
  void load(StateIn& ar) {
    size_t n = 0;
    ar(n);
    if (n != services_.size()) throw std::runtime_error("the checkpoint has another set of national services");
    for (auto& [name, slot] : services_) {
      std::string saved;
      ar(saved);
      if (saved != name) throw std::runtime_error("the checkpoint has national service " + saved + ", not " + name);
      slot.load(ar);
    }
  }

  // True while the authorities run their day side by side (sim/run/national.cpp):
  // a service must then not be changed, only asked what does not change, and
  // work that would change it waits for the national work below.
  bool concurrent() const { return concurrent_; }
  void set_concurrent(bool on) { concurrent_ = on; }

  // Work run once a day, after every authority's agencies phase and before any
  // accounting, in the order registered, one authority at a time.
  void after_agencies(std::string name, std::function<void(int32_t day)> work) {
    daily_.push_back({std::move(name), std::move(work)});
  }
  void run_after_agencies(int32_t day) const {
    for (const auto& [name, work] : daily_) work(day);
  }

 private:
  struct Slot {
    std::shared_ptr<void> object;
    std::function<void(StateOut&)> save;
    std::function<void(StateIn&)> load;
  };
  std::map<std::string, Slot> services_;
  std::vector<std::pair<std::string, std::function<void(int32_t)>>> daily_;
  bool concurrent_ = false;
};

}  // namespace sgsim
