"""Spiders, one per crawl kind (see scraper.registry)."""
