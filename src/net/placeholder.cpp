// placeholder: replaced by the listeners
