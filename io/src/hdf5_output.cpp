#include "meridian/io/hdf5_output.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>

#include "background_writer.hpp"
#include "field_selection.hpp"
#include "file_policy.hpp"
#include "history_writer.hpp"
#include "meridian/core/agreement.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/mpi_handles.hpp"
#include "meridian/core/run_failure.hpp"
#include "meridian/io/hdf5_handle.hpp"
#include "meridian/io/hdf5_io.hpp"
#include "restart_file.hpp"
#include "xdmf_writer.hpp"

namespace meridian::io {

namespace {
// Attributes of a parallel file must carry the same bytes on every rank; provenance is rank 0's.
void agree_on(core::Provenance& p, MPI_Comm comm) {
  for (std::string* s : {&p.version, &p.git_revision, &p.config_ini, &p.config_digest, &p.process_grid})
    core::broadcast_string(*s, 0, comm);
  MERIDIAN_MPI(MPI_Bcast(&p.ranks, 1, MPI_INT, 0, comm), comm);
}

// A generous estimate of a file's size: the raw data plus room for metadata and the config attribute.
// (Values counted as doubles, levels as this rank sees them, cell_area where the file holds it.)
unsigned long long file_bytes(const std::vector<const core::ComponentOutput*>& components, FieldUse use,
                              const core::Provenance& provenance) {
  unsigned long long bytes = (256ULL << 10) + 2 * provenance.config_ini.size();
  for (const core::ComponentOutput* c : components) {
    if (!c->grid) continue;
    const unsigned long long cells = 1ULL * c->grid->nx() * c->grid->ny();
    if (holds_cell_area(use)) bytes += 8 * cells;
    for (const core::FieldEntry& f : c->fields)
      if (selects(use, f.meta)) bytes += 8 * cells * (f.field ? f.field->nz() : 1);
  }
  return bytes;
}

std::string reason_of(const std::exception& e) {
  const auto* error = dynamic_cast<const core::Error*>(&e);
  if (!error) return e.what();
  return error->context().empty() ? error->message() : error->context() + ": " + error->message();
}

// Writes one file the safe way and makes any failure collective. `write` (collective) fills
// `temporary`; `publish` (rank 0) renames it into place. If either fails on any rank (a full disk, a
// quota, an I/O error), rank 0 deletes the partial temporary file and every rank throws the same
// core::OutputError naming the final file and the lowest failing rank's reason. Nothing else in
// the folder, older restart files included, is touched. Collective over `comm`.
void write_safely(MPI_Comm comm, const std::string& temporary, const std::string& final_path,
                  unsigned long long bytes, const std::function<void()>& write, const std::function<void()>& publish) {
  int rank = 0;
  MERIDIAN_MPI(MPI_Comm_rank(comm, &rank), comm);
  std::string failure;
  try {
    on_rank0(comm, [&] { reserve_space(final_path, bytes); });  // a full disk fails here, cleanly
  } catch (const core::Error& e) {
    throw core::OutputError(rank, "cannot write '" + final_path + "': " + e.message() +
                                      "; nothing was written and older files are intact");
  }
  try {
    write();
  } catch (const std::exception& e) {
    failure = reason_of(e);
  }
  core::Agreement agreed = core::agree_on_failure(failure, comm);
  if (!agreed.failed()) {
    try {
      on_rank0(comm, publish);  // throws on every rank alike if rank 0 failed
      return;
    } catch (const core::Error& e) {
      agreed = {.rank = 0, .message = e.message()};
    }
  }
  if (rank == 0) std::remove(temporary.c_str());  // may not exist; nothing else to do about it
  throw core::OutputError(rank, "cannot write '" + final_path + "' (rank " + std::to_string(agreed.rank) +
                                    "): " + agreed.message + "; the partial file was removed");
}

int thread_level() {
  int provided = MPI_THREAD_SINGLE;
  MPI_Query_thread(&provided);
  return provided;
}
}  // namespace

// What a background history write reads once write_history has returned and the model has moved
// on: the clock, and copies of the fields the files hold and of the decompositions (a re-split
// replaces them). Kept from one write to the next: copying into the same storage costs a fifth of
// copying into fresh pages (measured at configs/cluster.ini: 12 against 110-165 ms an output).
struct HistorySnapshot {
  core::Clock clock{1, 0};
  std::deque<core::Decomposition> decompositions;  // deques: the pointers in `components` stay valid
  std::deque<core::Field> fields;
  std::vector<core::ComponentOutput> components;

  // The output fields, and the coverage fields that mask them (core::history_field_names); the other
  // entries are left out, these keep their order (the files' order).
  void take(const core::Clock& c, const std::vector<core::ComponentOutput>& from) {
    clock = c;
    decompositions.clear();
    components.clear();
    std::size_t kept = 0;
    for (const core::ComponentOutput& component : from) {
      core::ComponentOutput copy{component.name, nullptr, component.grid, {}};
      if (component.decomposition) copy.decomposition = &decompositions.emplace_back(*component.decomposition);
      const std::set<std::string> read = core::history_field_names(component.fields);
      for (const core::FieldEntry& entry : component.fields) {
        if (!read.count(entry.meta.name)) continue;
        core::Field* field = nullptr;
        if (entry.field) {
          if (kept < fields.size())
            fields[kept] = *entry.field;
          else
            fields.push_back(*entry.field);
          field = &fields[kept++];
        }
        copy.fields.push_back({entry.meta, field});
      }
      components.push_back(std::move(copy));
    }
    fields.erase(fields.begin() + std::ptrdiff_t(kept), fields.end());
  }
};

Hdf5Output::Hdf5Output(MPI_Comm run_comm, OutputSettings settings, core::Provenance provenance)
    : comm_(core::Comm::dup(run_comm)),
      settings_(std::move(settings)),
      provenance_(std::move(provenance)),
      staging_(std::make_unique<StagingBuffer>()) {
  silence_hdf5_errors();
  if (settings_.restart_keep < 0) {
    std::string message = "restart_keep must be >= 0 (0 keeps every restart file), not ";
    message += std::to_string(settings_.restart_keep);
    throw core::ConfigError(comm_.rank(), "output", message);
  }
  if (settings_.writers_per_node < 0)
    throw core::ConfigError(comm_.rank(), "output",
                            "writers_per_node must be >= 0 (0 = the MPI-IO library's default), not " +
                                std::to_string(settings_.writers_per_node));
  if (settings_.xdmf_steps_per_segment < 0)
    throw core::ConfigError(comm_.rank(), "output",
                            "xdmf_steps_per_segment must be >= 0 (0 = every step in the one XDMF file), not " +
                                std::to_string(settings_.xdmf_steps_per_segment));
  if (settings_.dir.empty()) settings_.dir.push_back('.');  // (not = ".": a GCC 12 -Wrestrict false positive)
  if (settings_.background && thread_level() != MPI_THREAD_MULTIPLE)
    throw core::ConfigError(comm_.rank(), "output",
                            "background = true needs an MPI initialised with MPI_THREAD_MULTIPLE "
                            "(MPI_Init_thread; meridian::app::run asks for it); this one was not");
  agree_on(provenance_, comm_.get());
  on_rank0(comm_.get(), [&] {
    try {
      create_directories(settings_.dir);
    } catch (const core::Error& e) {
      throw core::ConfigError(-1, "", "cannot create output directory '" + settings_.dir + "': " + e.message());
    }
  });
  if (settings_.background) writer_ = std::make_unique<BackgroundWriter>();
}

Hdf5Output::~Hdf5Output() = default;

void Hdf5Output::flush() {
  if (writer_) writer_->wait();
  BackgroundWriter::wait_for_all();  // another sink's writer: HDF5 is for one thread at a time
}

void Hdf5Output::write_component_file(const core::Clock& clock, const core::ComponentOutput& component,
                                      const std::string& path, FieldUse use, const std::string& title,
                                      const std::function<void()>& published) {
  const std::string temporary = temporary_path(path);
  write_safely(
      comm_.get(), temporary, path, file_bytes({&component}, use, provenance_),
      [&] {
        const std::map<std::string, int> written =
            write_history_file(temporary, comm_.get(), settings_.writers_per_node, comm_.rank(), clock, component,
                               holds_cell_area(use) ? area_block(component) : nullptr, provenance_, use, title,
                               settings_.precision, *staging_);
        for (const auto& [field, nz] : written) levels_[component.name][field] = nz;
      },
      [&] {
        rename_into_place(temporary, path, false);
        if (published) published();
      });
}

void Hdf5Output::write_history(const core::Clock& clock, const std::vector<core::ComponentOutput>& components) {
  if (!writer_) {
    flush();
    return write_history_now(clock, components);
  }
  flush();  // before the copy: the previous write's failure is thrown, and its copy is free again
  if (!snapshot_) snapshot_ = std::make_shared<HistorySnapshot>();
  snapshot_->take(clock, components);
  writer_->submit([this, s = snapshot_] { write_history_now(s->clock, s->components); });
}

void Hdf5Output::write_history_now(const core::Clock& clock, const std::vector<core::ComponentOutput>& components) {
  const bool own_file = settings_.fixed_fields == FixedFields::own_file;
  for (const core::ComponentOutput& component : components) {
    if (own_file && !fixed_written_.count(component.name)) {
      // Written again by a continued run: the same values (restarts refuse a changed fixed field).
      write_component_file(clock, component,
                           (std::filesystem::path(settings_.dir) / fixed_fields_file(component.name)).string(),
                           FieldUse::fixed, "", {});
      fixed_written_.insert(component.name);
    }
    const std::string path = step_file_path(settings_.dir, component.name, clock.step());
    write_component_file(clock, component, path, own_file ? FieldUse::history_varying : FieldUse::history, "", [&] {
      if (settings_.write_xdmf) update_xdmf(clock, component, std::filesystem::path(path).filename().string());
    });
  }
}

const core::Field* Hdf5Output::area_block(const core::ComponentOutput& component) {
  AreaBlock& a = areas_[component.name];
  const core::Decomposition* d = component.decomposition;
  const int nx = component.grid ? component.grid->nx() : 0, ny = component.grid ? component.grid->ny() : 0;
  const core::IndexRange x = d ? d->x_range() : core::IndexRange{}, y = d ? d->y_range() : core::IndexRange{};
  if (a.nx != nx || a.ny != ny || !(a.x == x) || !(a.y == y) || bool(d) != a.block.has_value())
    a = {nx, ny, x, y, cell_area_block(component)};
  return a.block ? &*a.block : nullptr;
}

void Hdf5Output::update_xdmf(const core::Clock& clock, const core::ComponentOutput& component, const std::string& file) {
  std::vector<XdmfField> fields;
  const int precision = settings_.precision == HistoryPrecision::single_precision ? 4 : 8;
  const bool own_file = settings_.fixed_fields == FixedFields::own_file;
  for (const core::FieldEntry& entry : component.fields) {
    if (!entry.meta.output) continue;
    // The levels the files hold: rank 0 may have no Field of this component (concurrent layout).
    const auto known = levels_[component.name].find(entry.meta.name);
    XdmfField f{entry.meta.name, known != levels_[component.name].end() ? known->second : 1};
    if (own_file && selects(FieldUse::fixed, entry.meta))
      f.fixed_file = fixed_fields_file(component.name), f.fixed_precision = precision;
    fields.push_back(f);
  }
  const int nx = component.grid->nx(), ny = component.grid->ny();
  auto [it, first] = series_.try_emplace(component.name);
  Series& series = it->second;
  if (first) {
    // A restarted run (or one that writes into an old directory) lists the files before its own.
    series.steps = existing_history(settings_.dir, component.name, clock.step(), nx, ny, fields);
  }
  // Going back in time (a rerun from a restart) replaces everything from that step on.
  const auto later =
      std::find_if(series.steps.begin(), series.steps.end(), [&](const XdmfStep& s) { return s.step >= clock.step(); });
  const bool rewound = later != series.steps.end();
  series.steps.erase(later, series.steps.end());
  series.steps.push_back({clock.step(), clock.time(), file, precision});
  const std::vector<XdmfStep>& steps = series.steps;

  const std::filesystem::path dir(settings_.dir);
  const auto per = std::size_t(settings_.xdmf_steps_per_segment);
  const std::size_t full = per > 0 ? steps.size() / per : 0;
  // A segment is written once, when it fills; a rerun rewrites those it changed (the steps before the
  // restart keep theirs), a new run all of them (an old directory's may differ).
  if (rewound)
    series.segments_written = std::min(series.segments_written, (steps.size() - 1) / std::max<std::size_t>(per, 1));
  std::set<std::string> current;
  for (std::size_t k = 0; k < full; ++k) {
    const std::string name = xdmf_segment_file(component.name, steps[k * per].step);
    current.insert(name);
    if (k < series.segments_written) continue;
    const std::vector<XdmfStep> segment(steps.begin() + std::ptrdiff_t(k * per),
                                        steps.begin() + std::ptrdiff_t((k + 1) * per));
    write_text_atomically((dir / name).string(), xdmf_segment_document(component.name, nx, ny, segment, fields));
  }
  series.segments_written = full;
  write_text_atomically((dir / (component.name + ".xdmf")).string(),
                        xdmf_document(component.name, nx, ny, steps, fields, per));
  // Segments the document no longer includes (an older run's, or beyond a rerun's restart step).
  if (first || rewound)
    for (const auto& [step, path] : list_step_files(settings_.dir, component.name + "_steps", ".xdmf"))
      if (std::error_code ignored; !current.count(std::filesystem::path(path).filename().string()))
        std::filesystem::remove(path, ignored);
}

std::string Hdf5Output::write_restart(const core::Clock& clock, const std::vector<core::ComponentOutput>& components,
                                      const std::vector<core::StateSetting>& settings) {
  flush();  // at most one thread in HDF5 and on comm_
  const std::string final_path = step_file_path(settings_.dir, "restart", clock.step());
  const std::string temporary = temporary_path(final_path);
  // Older restart files are pruned only once the new one is complete and durable under its final name.
  std::vector<const core::ComponentOutput*> all;
  for (const core::ComponentOutput& c : components) all.push_back(&c);
  write_safely(
      comm_.get(), temporary, final_path, file_bytes(all, FieldUse::restart, provenance_),
      [&] {
        write_restart_file(temporary, comm_.get(), settings_.writers_per_node, comm_.rank(), clock, components,
                           settings, provenance_);
      },
      [&] { rename_into_place(temporary, final_path, true); });
  on_rank0(comm_.get(), [&] {
    // Only this run's files (and those of the run it continues) count: another run's restarts, or a
    // continued run's files past the step resumed from, are never deleted.
    own_restarts_.erase(std::remove_if(own_restarts_.begin(), own_restarts_.end(),
                                       [&](const auto& f) { return f.first == clock.step(); }),
                        own_restarts_.end());
    own_restarts_.emplace_back(clock.step(), final_path);
    std::sort(own_restarts_.begin(), own_restarts_.end());
    if (settings_.restart_keep == 0) return;
    while (own_restarts_.size() > std::size_t(settings_.restart_keep)) {
      const std::string& oldest = own_restarts_.front().second;
      if (std::remove(oldest.c_str()) != 0 && errno != ENOENT)
        throw core::Error(-1, "pruning restart files", "cannot delete '" + oldest + "'");
      own_restarts_.erase(own_restarts_.begin());
    }
  });
  return final_path;
}

void Hdf5Output::adopt_restarts(long long up_to_step) {
  flush();  // at most one thread in HDF5 and on comm_
  on_rank0(comm_.get(), [&] {
    for (auto& file : list_step_files(settings_.dir, "restart"))
      if (file.first <= up_to_step) own_restarts_.push_back(std::move(file));
    std::sort(own_restarts_.begin(), own_restarts_.end());
  });
}

std::vector<std::string> Hdf5Output::write_crash_dump(const core::Clock& clock,
                                                     const std::vector<core::ComponentOutput>& components,
                                                     const std::string& reason) {
  // At most one thread in HDF5 and on comm_. A background history write that failed (the same
  // OutputError on every rank) must not cost the dump of the state that went wrong: its failure is
  // recorded in the dump's title instead of thrown.
  std::string earlier;
  try {
    flush();
  } catch (const core::OutputError& e) {
    earlier = "; the history write before it had failed: " + e.message();
  }
  std::vector<std::string> written;
  for (const core::ComponentOutput& component : components) {
    // "crash_<component>_<step>.h5": no history, XDMF or restart listing matches this prefix.
    const std::string path = step_file_path(settings_.dir, "crash_" + component.name, clock.step());
    const std::string title = "meridian " + component.name + " CRASH DUMP (not a history file): " + reason + earlier;
    write_component_file(clock, component, path, FieldUse::all, title, {});  // (precision applies to history only)
    written.push_back(path);
  }
  return written;
}

long long Hdf5Output::read_restart(const std::string& path, const std::vector<core::ComponentOutput>& components,
                                   const std::vector<core::StateSetting>& settings) {
  flush();  // at most one thread in HDF5 and on comm_
  std::vector<ExpectedComponent> expected;
  for (const core::ComponentOutput& component : components) {
    ExpectedComponent e{component.name, component.grid ? component.grid->nx() : 0,
                        component.grid ? component.grid->ny() : 0, {}};
    for (const SelectedField& f : select_fields(component, FieldUse::restart, comm_.get()))
      e.fields.push_back({f.entry->meta.name, f.nz, e.ny, e.nx, ""});
    expected.push_back(std::move(e));
  }
  // Rank 0 checks everything first so that a bad file fails every rank alike with one message,
  // before any rank enters a collective HDF5 call that the others might never reach.
  on_rank0(comm_.get(), [&] {
    const std::string why = restart_mismatch(read_restart_info(path), expected, settings);
    if (!why.empty()) throw core::ConfigError(-1, "", why);
  });
  return read_restart_fields(path, comm_.get(), comm_.rank(), components);
}

RestartInfo peek_restart(MPI_Comm comm, const std::string& path) {
  BackgroundWriter::wait_for_all();
  silence_hdf5_errors();
  std::string bytes;
  on_rank0(comm, [&] { bytes = pack(read_restart_info(path)); });
  core::broadcast_string(bytes, 0, comm);
  return unpack(bytes);
}

}  // namespace meridian::io
