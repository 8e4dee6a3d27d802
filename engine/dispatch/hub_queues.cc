#include "engine/dispatch/hub_queues.h"

#include <algorithm>

namespace herald {

ChannelQueue* NextQueue(SenderQueue& sender) {
  ChannelQueue* next = nullptr;
  for (ChannelQueue& queue : sender.channels) {
    if (!queue.texts.empty() && (next == nullptr || queue.pass < next->pass)) {
      next = &queue;
    }
  }
  return next;
}

ChannelQueue* Join(SenderQueue& sender, const ChannelPtr& channel) {
  auto it = std::find_if(
      sender.channels.begin(), sender.channels.end(),
      [&](const ChannelQueue& queue) { return queue.channel == channel; });
  if (it == sender.channels.end()) {
    sender.channels.emplace_back().channel = channel;
    it = sender.channels.end() - 1;
  }
  if (it->texts.empty()) {
    const ChannelQueue* least = NextQueue(sender);
    it->pass = std::max(it->pass,
                        least != nullptr ? least->pass : sender.virtual_time);
  }
  return &*it;
}

}  // namespace herald
