#pragma once
/// Whether two stored runs computed with the same arithmetic, so that one can serve as the
/// other's paired control: thread count and device change result bits (reduction order), and
/// on a GPU so does the arrangement of models trained together. On the CPU, models trained
/// together are bit-identical to separate training, so parallel_models may differ there.
#include <map>
#include <string>

#include "storage/run_record.h"

namespace ufm {

/// "" when `canary` and `control` (run attributes as stored: "threads", "device",
/// "parallel_models") ran the same arithmetic; else what differs, worded from the control's
/// side, e.g. "2 threads (the canary: 1)". Attributes missing on either side are not compared.
std::string arithmetic_difference(const std::map<std::string, AttributeValue>& canary,
                                  const std::map<std::string, AttributeValue>& control);

}  // namespace ufm
