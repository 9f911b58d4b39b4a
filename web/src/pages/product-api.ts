// What the products pages read from the API (src/api/json_views.cpp).
export interface Product {
  productKey: string;
  name: string;
  nodeType: string;
  dataFormat: string;
  authType: string;
  description: string;
  createdTime: number;
  validationMode: string;
  productSecret?: string; // only GET /products/{pk} includes it
  deviceCount?: number; // not in every platform version
}

export interface TopicClass {
  topic: string;
  permission: string;
  description: string;
  createdTime: number;
}

export const validationModes: [string, string][] = [
  ["strict", "strict: reject invalid posts"],
  ["lenient", "lenient: keep valid values"],
  ["off", "off: no checks"],
];
