#include "background_writer.hpp"

#include <utility>

namespace meridian::io {

namespace {
// Jobs in hand over every writer of the process.
std::mutex every_mutex;
std::condition_variable every_idle;
int jobs_in_hand = 0;
}  // namespace

BackgroundWriter::BackgroundWriter() : thread_([this] { loop(); }) {}

BackgroundWriter::~BackgroundWriter() {
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !job_; });
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void BackgroundWriter::submit(std::function<void()> job) {
  wait();
  {
    std::lock_guard every(every_mutex);
    ++jobs_in_hand;
  }
  {
    std::lock_guard lock(mutex_);
    job_ = std::move(job);
  }
  changed_.notify_all();
}

void BackgroundWriter::wait() {
  std::exception_ptr failure;
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !job_; });
    std::swap(failure, failure_);
  }
  if (failure) std::rethrow_exception(failure);
}

void BackgroundWriter::wait_for_all() {
  std::unique_lock every(every_mutex);
  every_idle.wait(every, [] { return jobs_in_hand == 0; });
}

void BackgroundWriter::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return job_ || stopping_; });
    if (!job_) return;  // stopping, nothing in hand
    lock.unlock();
    std::exception_ptr failure;
    try {
      job_();
    } catch (...) {
      failure = std::current_exception();
    }
    lock.lock();
    failure_ = failure;
    job_ = nullptr;
    changed_.notify_all();
    {
      std::lock_guard every(every_mutex);
      --jobs_in_hand;
    }
    every_idle.notify_all();
  }
}

}  // namespace meridian::io
