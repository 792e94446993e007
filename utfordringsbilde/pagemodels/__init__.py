"""What each dashboard page shows, built without Streamlit so reports and exports reuse it."""
