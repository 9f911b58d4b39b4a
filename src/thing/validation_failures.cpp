// Thing model validation failures are forwarded to server-side consumers (a
// rule's FROM, an application's subscription) on
//   /{pk}/{dn}/thing/validation/failed
// so that bad data is seen and not only answered to the device:
//   {"iotId","productKey","deviceName","gmtCreate","method","requestId",
//    "stored": bool, "checkFailedData": {identifier: {value,time,code,message}}}
// `stored` says whether the post's valid part was kept (lenient mode).
#include "thing/thing_service.hpp"

namespace ts::thing {

void ThingService::forward_validation_failure(const Uplinked& u, std::string_view method,
                                              nlohmann::json failed_items, bool stored) {
    nlohmann::json msg = {
        {"iotId", u.pk + "." + u.dn}, {"productKey", u.pk},
        {"deviceName", u.dn},         {"gmtCreate", u.received_wall},
        {"method", method},           {"requestId", u.request.id},
        {"stored", stored},           {"checkFailedData", std::move(failed_items)}};
    link_.publish("/" + u.pk + "/" + u.dn + "/thing/validation/failed",
                  msg.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace ts::thing
