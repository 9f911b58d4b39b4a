// placeholder: replaced by the broker
