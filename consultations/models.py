"""Models of consultations: questions, appointments and ratings are built here next."""
