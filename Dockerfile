FROM python:3.11-slim
WORKDIR /srv
COPY requirements.lock pyproject.toml README.md ./
# Runtime dependencies only (requirements-dev.lock adds the test and lint tools).
RUN pip install --no-cache-dir pip==26.3 setuptools==80.9.0 \
    && pip install --no-cache-dir --require-hashes -r requirements.lock
COPY ta_manager ta_manager
COPY migrations migrations
COPY importers importers
COPY reports reports
RUN pip install --no-cache-dir --no-deps --no-build-isolation .
RUN useradd --create-home ta
USER ta
EXPOSE 8000
CMD ["ta-manager", "serve", "--no-demo"]
