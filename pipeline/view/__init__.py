"""The dashboard's view layer: queries, charts, the article reader and labels, tested without Streamlit."""
