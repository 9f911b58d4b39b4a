#pragma once
// Shared by the thing-model tests: an Alibaba-shaped TSL document using every
// data type, and a deep comparison of compiled models.
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "thing/thing_model.hpp"

namespace ts::thing::test {

// The shape of Alibaba's console export (built-in post/set/get included,
// extra keys such as "required" and "desc"), with one property of each type.
inline constexpr std::string_view kFullTsl = R"json({
  "schema": "https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json",
  "profile": {"version": "1.0", "productKey": "a1B2c3D4e5F"},
  "properties": [
    {"identifier": "Temp", "name": "温度", "accessMode": "r", "required": false,
     "desc": "room temperature",
     "dataType": {"type": "float",
                  "specs": {"min": "-40", "max": "120", "step": "0.1", "unit": "°C",
                            "unitName": "摄氏度"}}},
    {"identifier": "Brightness", "name": "亮度", "accessMode": "rw", "required": true,
     "dataType": {"type": "int", "specs": {"min": "0", "max": "100", "step": "1"}}},
    {"identifier": "Energy", "name": "Energy",
     "dataType": {"type": "double", "specs": {"min": 0, "max": "3.4028235E38", "unit": "Wh"}}},
    {"identifier": "Label", "name": "Label",
     "dataType": {"type": "text", "specs": {"length": "255"}}},
    {"identifier": "Installed", "name": "Installed", "dataType": {"type": "date", "specs": {}}},
    {"identifier": "LightSwitch", "name": "主灯开关",
     "dataType": {"type": "bool", "specs": {"0": "关闭", "1": "开启"}}},
    {"identifier": "Mode", "name": "Mode",
     "dataType": {"type": "enum", "specs": {"0": "auto", "1": "cool", "2": "heat"}}},
    {"identifier": "GeoLocation", "name": "地理位置",
     "dataType": {"type": "struct", "specs": [
       {"identifier": "Longitude", "name": "经度",
        "dataType": {"type": "double", "specs": {"min": "-180", "max": "180", "step": "0.01",
                                                 "unit": "°", "unitName": "度"}}},
       {"identifier": "Latitude", "name": "纬度",
        "dataType": {"type": "double", "specs": {"min": "-90", "max": "90", "step": "0.01"}}},
       {"identifier": "CoordinateSystem", "name": "坐标系统",
        "dataType": {"type": "enum", "specs": {"1": "WGS_84", "2": "GCJ_02"}}},
       {"identifier": "Samples", "name": "Samples",
        "dataType": {"type": "array", "specs": {"size": "4", "item": {"type": "int"}}}}]}},
    {"identifier": "Readings", "name": "Readings",
     "dataType": {"type": "array",
                  "specs": {"size": "3", "item": {"type": "int",
                                                  "specs": {"min": "0", "max": "10"}}}}},
    {"identifier": "Points", "name": "Points",
     "dataType": {"type": "array", "specs": {"size": 5, "item": {"type": "struct", "specs": [
       {"identifier": "x", "name": "x", "dataType": {"type": "float", "specs": {}}},
       {"identifier": "y", "name": "y", "dataType": {"type": "float"}}]}}}}
  ],
  "events": [
    {"identifier": "post", "name": "post", "type": "info", "required": true,
     "desc": "属性上报", "method": "thing.event.property.post",
     "outputData": [{"identifier": "Temp", "name": "温度",
                     "dataType": {"type": "float", "specs": {"min": "-40", "max": "120"}}}]},
    {"identifier": "HardwareError", "name": "故障上报", "type": "error", "required": false,
     "method": "thing.event.HardwareError.post",
     "outputData": [
       {"identifier": "errorCode", "name": "故障代码",
        "dataType": {"type": "enum", "specs": {"0": "ok", "3": "fan stall"}}},
       {"identifier": "detail", "name": "detail",
        "dataType": {"type": "text", "specs": {"length": "64"}}}]},
    {"identifier": "Heartbeat", "name": "Heartbeat"}
  ],
  "services": [
    {"identifier": "set", "name": "set", "required": true, "callType": "async",
     "method": "thing.service.property.set", "inputData": [], "outputData": []},
    {"identifier": "get", "name": "get", "required": true, "callType": "sync",
     "method": "thing.service.property.get", "inputData": ["Temp", "Brightness"],
     "outputData": []},
    {"identifier": "Reboot", "name": "重启", "required": false, "callType": "async",
     "method": "thing.service.Reboot",
     "inputData": [{"identifier": "delay", "name": "delay",
                    "dataType": {"type": "int", "specs": {"min": "0", "max": "3600"}}}],
     "outputData": [{"identifier": "ok", "name": "ok",
                     "dataType": {"type": "bool", "specs": {"0": "no", "1": "yes"}}}]},
    {"identifier": "Calibrate", "name": "Calibrate", "callType": "sync", "desc": "zero point"}
  ]
})json";

inline ThingModelPtr parse_ok(std::string_view text) {
    auto m = parse_thing_model(text);
    EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().path + ": " + m.error().message);
    return m ? *m : nullptr;
}

inline void expect_same(const DataType& a, const DataType& b, const std::string& where);

inline void expect_same(const std::vector<Param>& a, const std::vector<Param>& b,
                        const std::string& where) {
    ASSERT_EQ(a.size(), b.size()) << where;
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].identifier, b[i].identifier) << where;
        EXPECT_EQ(a[i].name, b[i].name) << where;
        expect_same(a[i].data_type, b[i].data_type, where + "." + a[i].identifier);
    }
}

inline void expect_same(const DataType& a, const DataType& b, const std::string& where) {
    EXPECT_EQ(a.kind, b.kind) << where;
    EXPECT_EQ(a.min, b.min) << where;
    EXPECT_EQ(a.max, b.max) << where;
    EXPECT_EQ(a.step, b.step) << where;
    EXPECT_EQ(a.unit, b.unit) << where;
    EXPECT_EQ(a.unit_name, b.unit_name) << where;
    EXPECT_EQ(a.length, b.length) << where;
    EXPECT_EQ(a.values, b.values) << where;
    EXPECT_EQ(a.size, b.size) << where;
    expect_same(a.fields, b.fields, where);
    ASSERT_EQ(a.item == nullptr, b.item == nullptr) << where;
    if (a.item) expect_same(*a.item, *b.item, where + "[]");
}

inline void expect_same(const ThingModel& a, const ThingModel& b) {
    EXPECT_EQ(a.product_key, b.product_key);
    EXPECT_EQ(a.function_block_id, b.function_block_id);
    ASSERT_EQ(a.properties.size(), b.properties.size());
    for (std::size_t i = 0; i < a.properties.size(); ++i) {
        const auto& p = a.properties[i];
        const auto& q = b.properties[i];
        EXPECT_EQ(p.identifier, q.identifier);
        EXPECT_EQ(p.name, q.name);
        EXPECT_EQ(p.access_mode, q.access_mode);
        EXPECT_EQ(p.required, q.required);
        EXPECT_EQ(p.desc, q.desc);
        expect_same(p.data_type, q.data_type, p.identifier);
    }
    ASSERT_EQ(a.events.size(), b.events.size());
    for (std::size_t i = 0; i < a.events.size(); ++i) {
        const auto& e = a.events[i];
        const auto& f = b.events[i];
        EXPECT_EQ(e.identifier, f.identifier);
        EXPECT_EQ(e.name, f.name);
        EXPECT_EQ(e.type, f.type);
        EXPECT_EQ(e.required, f.required);
        EXPECT_EQ(e.desc, f.desc);
        EXPECT_EQ(e.method, f.method);
        expect_same(e.output, f.output, e.identifier);
    }
    ASSERT_EQ(a.services.size(), b.services.size());
    for (std::size_t i = 0; i < a.services.size(); ++i) {
        const auto& s = a.services[i];
        const auto& t = b.services[i];
        EXPECT_EQ(s.identifier, t.identifier);
        EXPECT_EQ(s.name, t.name);
        EXPECT_EQ(s.call_type, t.call_type);
        EXPECT_EQ(s.required, t.required);
        EXPECT_EQ(s.desc, t.desc);
        EXPECT_EQ(s.method, t.method);
        expect_same(s.input, t.input, s.identifier + ".in");
        expect_same(s.output, t.output, s.identifier + ".out");
    }
}

}  // namespace ts::thing::test
