"""The only package that speaks Asterisk: ARI over aiohttp, AMI over panoramisk."""
