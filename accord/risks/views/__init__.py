"""Web pages of the risk register (`register`: the register, risk pages, heat map, appetite, settings)
and of its money view (`money`: the portfolio page and the loss exceedance curves); accord/risks/urls.py
maps them."""
