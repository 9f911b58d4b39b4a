// placeholder: replaced by the serve command
