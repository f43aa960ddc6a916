#pragma once
// One job at a time on a thread of its own: Hdf5Output's history writes, overlapped with the model's
// steps (output.background). HDF5 is not thread-safe in Debian's parallel build, so no other thread
// may call HDF5 while a job is in hand, of this writer or of any other in the process: every other
// use waits for wait_for_all() first. The owner uses the job's communicator only after wait().

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace meridian::io {

class BackgroundWriter {
 public:
  BackgroundWriter();
  // Waits for the job in hand and stops the thread; a failure nobody waited for is lost (the owner
  // is being torn down, most likely by an exception of its own).
  ~BackgroundWriter();
  BackgroundWriter(const BackgroundWriter&) = delete;
  BackgroundWriter& operator=(const BackgroundWriter&) = delete;

  // Waits for the previous job (rethrowing its failure), then hands `job` to the thread and returns.
  void submit(std::function<void()> job);
  // Returns once no job is in hand; rethrows, once, what the last job threw.
  void wait();
  // Returns once no writer of the process has a job in hand (their failures stay theirs to throw).
  static void wait_for_all();

 private:
  void loop();
  std::mutex mutex_;
  std::condition_variable changed_;
  std::function<void()> job_;  // empty: idle
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace meridian::io
