"""callplan: a customer discovery call in, a one-page success plan in the customer's words out."""
__version__ = "0.1.0"
